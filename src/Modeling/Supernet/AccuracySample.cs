namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// One measured sub-network: its choice, the same as one value index per <see cref="SubnetSpace.Decisions"/> entry,
/// its validation accuracy with inherited weights after batch-norm recalibration, and its cost.
/// </summary>
public sealed record AccuracySample(SubnetChoice Choice, int[] Encoding, double Accuracy, long Macs, long Params);
