namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// One measured sub-network at its bits: the architecture, the bits of every layer the joint space chooses, and the
/// validation accuracy after a short quantization-aware recalibration at those bits.
/// </summary>
public sealed record QuantizedAccuracySample(SubnetChoice Choice, SubnetPrecision Bits, double Accuracy);
