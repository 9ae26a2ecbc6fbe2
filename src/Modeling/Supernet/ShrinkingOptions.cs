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

    /// <summary>The two largest depths before all of them (Once-for-All's first depth step; off by default).</summary>
    public PhaseOptions ElasticDepthNarrow { get; init; } = new() { Epochs = 0 };

    /// <summary>
    /// The two largest expansion ratios before all of them (Once-for-All's first expansion step; off by default). When
    /// it runs, the expansion phase's channel sort keeps the channels this phase trained in front (a banded sort).
    /// </summary>
    public PhaseOptions ElasticExpansionNarrow { get; init; } = new() { Epochs = 0 };

    /// <summary>Label smoothing of the cross-entropy on the labels (Once-for-All's 0.1; default 0).</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Whether weight decay applies to batch-norm weights and biases too (default); Once-for-All exempts them.</summary>
    public bool DecayNormsAndBiases { get; init; } = true;

    /// <summary>
    /// Whether the full network teaches with its batch statistics (train-mode batch norm), as Once-for-All's code runs
    /// its teacher; by default it teaches in inference mode.
    /// </summary>
    public bool TeacherUsesBatchStatistics { get; init; }

    /// <summary>
    /// A trained model (a saved model's folder, on the same data set and normalisation) whose soft predictions every
    /// elastic phase distils from too, at <see cref="ModelDistillation"/>; none by default.
    /// </summary>
    public string? TeacherModel { get; init; }

    public double ModelDistillation { get; init; }

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
        ShrinkingPhase.ElasticDepthNarrow => ElasticDepthNarrow,
        ShrinkingPhase.ElasticDepth => ElasticDepth,
        ShrinkingPhase.ElasticExpansionNarrow => ElasticExpansionNarrow,
        _ => ElasticExpansion,
    };

    /// <summary>
    /// Once-for-All's recipe as its training script runs it, scaled to <paramref name="epochsPerPhase"/>: depth and
    /// expansion each open in two steps (the narrow step a fifth of the epochs, 25 against 120 there, at a twelfth of
    /// the kernel phase's rate, the wide one at a quarter), two sub-networks a step for depth and four for expansion,
    /// label smoothing 0.1, no weight decay on batch norm and biases, the teacher with its batch statistics.
    /// </summary>
    public static ShrinkingOptions OnceForAll(int fullEpochs, int epochsPerPhase, double distillation)
    {
        int narrow = Math.Max(1, (int)Math.Round(epochsPerPhase * 25 / 120.0));
        return new()
        {
            Full = new() { Epochs = fullEpochs, LearningRate = 0.1 },
            ElasticKernel = new() { Epochs = epochsPerPhase, LearningRate = 0.03, Distillation = distillation },
            ElasticDepthNarrow = new() { Epochs = narrow, LearningRate = 0.0025, SubnetsPerStep = 2, Distillation = distillation },
            ElasticDepth = new() { Epochs = epochsPerPhase, LearningRate = 0.0075, SubnetsPerStep = 2, Distillation = distillation },
            ElasticExpansionNarrow = new() { Epochs = narrow, LearningRate = 0.0025, SubnetsPerStep = 4, Distillation = distillation },
            ElasticExpansion = new() { Epochs = epochsPerPhase, LearningRate = 0.0075, SubnetsPerStep = 4, Distillation = distillation },
            LabelSmoothing = 0.1,
            DecayNormsAndBiases = false,
            TeacherUsesBatchStatistics = true,
        };
    }

    public string? Problem() =>
        ShrinkingPhases.InOrder.Select(p => this[p].Problem(p.ToString())).FirstOrDefault(p => p is not null)
        ?? (BatchSize < 1 ? $"batch size must be at least 1, got {BatchSize}"
        : Momentum is < 0 or >= 1 ? $"momentum must be in [0, 1), got {Momentum}"
        : WeightDecay < 0 ? $"weight decay must not be negative, got {WeightDecay}"
        : !(LabelSmoothing >= 0 && LabelSmoothing < 1) ? $"label smoothing must be in [0, 1), got {LabelSmoothing}"
        : !(ModelDistillation >= 0) || double.IsInfinity(ModelDistillation) ? $"model distillation must be zero or positive, got {ModelDistillation}"
        : ModelDistillation > 0 && string.IsNullOrWhiteSpace(TeacherModel) ? "model distillation needs a teacher model"
        : TrainLimit < 0 || ValidationLimit < 0 ? "image limits must not be negative"
        : RecalibrationImages < 1 ? $"recalibration needs at least one image, got {RecalibrationImages}"
        : null);
}
