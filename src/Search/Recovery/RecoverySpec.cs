using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;

namespace AutoDesign.Search.Recovery;

/// <summary>
/// The <c>recovery</c> section of a prune, quantize or super-network nas job: how the best design (and, with
/// <see cref="Front"/>, the most accurate other points of the front) is fine-tuned before it is saved and exported,
/// e.g. <c>"recovery":{"epochs":3,"distillation":1}</c>; <c>"epochs":0</c> turns it off. On by default.
/// </summary>
public sealed record RecoverySpec
{
    /// <summary>Epochs of the base model's training loop (default <see cref="RecoveryPlan.DefaultEpochs"/>).</summary>
    public int? Epochs { get; init; }

    /// <summary>The peak learning rate of the base model's schedule (default: a tenth of the base model's recipe's).</summary>
    public double? LearningRate { get; init; }

    /// <summary>The weight of the soft cross-entropy to the base model's outputs (default 1; 0: labels only).</summary>
    public double? Distillation { get; init; }

    /// <summary>How many of the front's other points, most accurate first, are recovered too and reported (default 0).</summary>
    public int? Front { get; init; }

    /// <summary>Training images an epoch draws from (default: the base model's recipe's, usually every one).</summary>
    public int? Images { get; init; }
}

/// <summary>A <see cref="RecoverySpec"/> as resolved against the base model's recipe; <paramref name="Images"/> 0 keeps the recipe's.</summary>
public sealed record RecoveryPlan(int Epochs, double LearningRate, double Distillation, int Front, int Images = 0)
{
    public const int DefaultEpochs = 2, MaxEpochs = 1000, MaxFront = 20, MaxImages = 10_000_000;
    public const double DefaultDistillation = 1, MaxDistillation = 100;

    /// <summary>The plan, or null when recovery is off or a field is wrong (recorded in <paramref name="errors"/>).</summary>
    public static RecoveryPlan? Resolve(RecoverySpec? spec, TrainingOptions baseTraining, SpecErrors errors)
    {
        int before = errors.Count;
        int epochs = spec?.Epochs ?? DefaultEpochs;
        double rate = spec?.LearningRate ?? baseTraining.LearningRate / 10, distillation = spec?.Distillation ?? DefaultDistillation;
        int front = spec?.Front ?? 0;
        if (epochs is < 0 or > MaxEpochs) errors.Add("recovery.epochs", $"must be between 0 (off) and {MaxEpochs}, got {epochs}");
        if (!(rate > 0 && rate <= 10)) errors.Add("recovery.learningRate", $"must be in (0, 10], got {rate}");
        if (!(distillation >= 0 && distillation <= MaxDistillation)) errors.Add("recovery.distillation", $"must be between 0 and {MaxDistillation}, got {distillation}");
        if (front is < 0 or > MaxFront) errors.Add("recovery.front", $"must be between 0 and {MaxFront}, got {front}");
        else if (front > 0 && epochs == 0) errors.Add("recovery.front", "needs recovery.epochs above 0");
        int images = spec?.Images ?? 0;
        if (spec?.Images is < 100 or > MaxImages) errors.Add("recovery.images", $"must be between 100 and {MaxImages:N0}, got {spec.Images}");
        return errors.Count > before || epochs == 0 ? null : new RecoveryPlan(epochs, rate, distillation, front, images);
    }

    /// <summary>Fine-tuning on the labels alone at a tenth of the base model's rate, as pruning's <c>fineTuneEpochs</c> asks.</summary>
    public static RecoveryPlan FineTuning(int epochs, TrainingOptions baseTraining) => new(epochs, baseTraining.LearningRate / 10, 0, 0);

    /// <summary>The base model's recipe with this plan's epochs and rate, without warm-up: a design starts near a good solution.</summary>
    public TrainingOptions Training(TrainingOptions baseTraining, int seed) =>
        baseTraining with { Epochs = Epochs, LearningRate = LearningRate, WarmupSteps = 0, Seed = seed, TrainLimit = Images > 0 ? Images : baseTraining.TrainLimit };
}
