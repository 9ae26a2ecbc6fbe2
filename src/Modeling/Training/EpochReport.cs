namespace AutoDesign.Modeling.Training;

/// <summary>
/// One finished epoch: training loss and accuracy over its batches, validation accuracy after it (for a language
/// model, of the next token, with its perplexity; a next-frame model has no accuracy and gives its validation error).
/// </summary>
public sealed record EpochReport(
    int Epoch,
    int Epochs,
    double TrainLoss,
    double TrainAccuracy,
    double ValidationAccuracy,
    double LearningRate,
    double Seconds,
    double? ValidationPerplexity = null)
{
    /// <summary>A next-frame model's mean squared error per pixel on the validation clips.</summary>
    public double? ValidationError { get; init; }
}

/// <summary>Progress inside an epoch, reported every few batches.</summary>
public sealed record BatchProgress(int Epoch, int Epochs, int Batch, int Batches, double RunningLoss);
