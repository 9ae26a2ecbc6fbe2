namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// How a super-network is trained by progressive shrinking: one <see cref="PhaseOptions"/> per phase (an epoch
/// count of 0 skips a phase) and what they share. <see cref="TrainLimit"/> and small epoch counts make a run that
/// fits a laptop; the defaults suit a few CPU cores.
/// </summary>
public sealed record ShrinkingOptions
{
    public PhaseOptions Full { get; init; } = new() { Epochs = 3, LearningRate = 0.1 };

    public PhaseOptions ElasticKernel { get; init; } = new() { Epochs = 2, LearningRate = 0.03 };

    public PhaseOptions ElasticDepth { get; init; } = new() { Epochs = 2, LearningRate = 0.03, SubnetsPerStep = 2 };

    public PhaseOptions ElasticExpansion { get; init; } = new() { Epochs = 2, LearningRate = 0.03, SubnetsPerStep = 2 };

    public int BatchSize { get; init; } = 64;

    /// <summary>SGD momentum (Nesterov).</summary>
    public double Momentum { get; init; } = 0.9;

    public double WeightDecay { get; init; } = 3e-5;

    public bool Augment { get; init; } = true;

    public int Seed { get; init; } = 1;

    /// <summary>Train on only N training images (a seeded sample; 0 = all).</summary>
    public int TrainLimit { get; init; }

    /// <summary>Validation images scored after each epoch (0 = all).</summary>
    public int ValidationLimit { get; init; } = 2_000;

    /// <summary>Training images whose batch statistics replace the inherited ones before a sub-network is scored.</summary>
    public int RecalibrationImages { get; init; } = 2_000;

    /// <summary>The super-network's recipe as one network's training: what its sub-networks are fine-tuned with (at the full phase's rate).</summary>
    public Training.TrainingOptions SubnetTraining() => new()
    {
        Epochs = Math.Max(1, Full.Epochs), Optimizer = Training.OptimizerKind.Sgd, LearningRate = Full.LearningRate, Momentum = Momentum, WeightDecay = WeightDecay,
        BatchSize = BatchSize, Augment = Augment, TrainLimit = TrainLimit, Seed = Seed,
    };

    public PhaseOptions this[ShrinkingPhase phase] => phase switch
    {
        ShrinkingPhase.Full => Full,
        ShrinkingPhase.ElasticKernel => ElasticKernel,
        ShrinkingPhase.ElasticDepth => ElasticDepth,
        _ => ElasticExpansion,
    };

    public string? Problem() =>
        ShrinkingPhases.InOrder.Select(p => this[p].Problem(p.ToString())).FirstOrDefault(p => p is not null)
        ?? (BatchSize < 1 ? $"batch size must be at least 1, got {BatchSize}"
        : Momentum is < 0 or >= 1 ? $"momentum must be in [0, 1), got {Momentum}"
        : WeightDecay < 0 ? $"weight decay must not be negative, got {WeightDecay}"
        : TrainLimit < 0 || ValidationLimit < 0 ? "image limits must not be negative"
        : RecalibrationImages < 1 ? $"recalibration needs at least one image, got {RecalibrationImages}"
        : null);
}
