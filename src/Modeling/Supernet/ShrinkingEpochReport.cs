namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// One finished epoch of progressive shrinking: the mean cross-entropy of the sampled sub-networks on the labels
/// (without the distillation term, so runs with and without it compare), and the
/// validation accuracy (after batch-norm recalibration) of the largest and the smallest sub-network the phase trains.
/// </summary>
public sealed record ShrinkingEpochReport(
    ShrinkingPhase Phase,
    int Epoch,
    int Epochs,
    double TrainLoss,
    double LargestAccuracy,
    double SmallestAccuracy,
    double Seconds);
