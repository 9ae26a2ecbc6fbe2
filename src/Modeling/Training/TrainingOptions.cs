using System.Text.Json.Serialization;

namespace AutoDesign.Modeling.Training;

[JsonConverter(typeof(JsonStringEnumConverter<OptimizerKind>))]
public enum OptimizerKind
{
    [JsonStringEnumMemberName("sgd")] Sgd,
    [JsonStringEnumMemberName("adam")] Adam,

    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter), as transformers are trained.</summary>
    [JsonStringEnumMemberName("adamw")] AdamW,
}

/// <summary>
/// How a model is trained: the optimizer, a cosine learning-rate schedule from <see cref="LearningRate"/> to zero over
/// every step (after a linear warm-up of <see cref="WarmupSteps"/>), and, with <see cref="Augment"/>, random crops of
/// the zero-padded image (plus mirror images where the data set allows them). A language model's epoch is
/// <see cref="StepsPerEpoch"/> batches of random windows of its text. Equal options on an equal spec and data set
/// give the same cached model.
/// </summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 10;

    public int BatchSize { get; init; } = 128;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    public double LearningRate { get; init; } = 0.1;

    /// <summary>SGD momentum (Nesterov); ignored by Adam.</summary>
    public double Momentum { get; init; } = 0.9;

    public double WeightDecay { get; init; } = 5e-4;

    public bool Augment { get; init; } = true;

    public int Seed { get; init; } = 1;

    /// <summary>Train on only N training images (a seeded sample; 0 = all); for quick checks.</summary>
    public int TrainLimit { get; init; }

    // The settings added for transformers are left out of the JSON at their defaults: cached models are keyed by it.

    /// <summary>Batches of random windows in one epoch of a language model; 0 for images, whose epoch is one pass over them.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int StepsPerEpoch { get; init; }

    /// <summary>Steps over which the learning rate rises linearly from zero before its cosine decay begins.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int WarmupSteps { get; init; }

    /// <summary>The learning rate at <paramref name="step"/> of <paramref name="totalSteps"/>.</summary>
    public double RateAt(long step, long totalSteps)
    {
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        long decay = Math.Max(1, totalSteps - WarmupSteps);
        return LearningRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step - WarmupSteps, decay) / decay));
    }

    /// <summary>
    /// The settings that train each zoo family well on 28x28 to 32x32 images, or, for the language models, on a character
    /// corpus, and for the video transformer, on Moving MNIST (an epoch of it is a number of steps too).
    /// </summary>
    public static TrainingOptions RecipeFor(string model, Specs.InputSpec input) =>
        Zoo.ModelZoo.IsZooName(model) ? RecipeFor(model) : RecipeFor(input.IsTokens ? "gpt" : input.IsVideo ? "video-transformer" : model);

    /// <summary>A zoo family's recipe by name (a name outside the zoo gets the images' default; see the overload that also knows the input).</summary>
    public static TrainingOptions RecipeFor(string model) => model switch
    {
        _ when model.StartsWith("lenet5", StringComparison.Ordinal) => new TrainingOptions { Epochs = 8, Optimizer = OptimizerKind.Adam, LearningRate = 2e-3, WeightDecay = 0, Augment = false },
        _ when model.StartsWith("resnet", StringComparison.Ordinal) => new TrainingOptions { Epochs = 15 },
        _ when model.StartsWith("vit", StringComparison.Ordinal) => new TrainingOptions { Epochs = 10, Optimizer = OptimizerKind.AdamW, LearningRate = 1e-3, WeightDecay = 0.05, WarmupSteps = 200 },
        _ when model.StartsWith("video-transformer", StringComparison.Ordinal) => new TrainingOptions
        {
            Epochs = 10, StepsPerEpoch = 100, BatchSize = 12, Optimizer = OptimizerKind.AdamW, LearningRate = 2e-3, WeightDecay = 0.05, WarmupSteps = 100, Augment = false,
        },
        _ when model.StartsWith("gpt", StringComparison.Ordinal) || model.StartsWith("llama", StringComparison.Ordinal) => new TrainingOptions
        {
            Epochs = 10, StepsPerEpoch = 120, BatchSize = 64, Optimizer = OptimizerKind.AdamW, LearningRate = 1e-3, WeightDecay = 0.1, WarmupSteps = 100, Augment = false,
        },
        _ => new TrainingOptions { Epochs = 12 },
    };

    /// <summary>The recipe as data-parallel training runs it, with SGD: a recipe of another optimizer gets SGD at 0.05 instead.</summary>
    public TrainingOptions WithSgd() => Optimizer == OptimizerKind.Sgd ? this : this with { Optimizer = OptimizerKind.Sgd, LearningRate = 0.05 };

    /// <summary>Names the first setting that cannot work, or returns null.</summary>
    public string? Problem() =>
        Epochs < 1 ? $"epochs must be at least 1, got {Epochs}"
        : BatchSize < 1 ? $"batch size must be at least 1, got {BatchSize}"
        : !(LearningRate > 0) || double.IsInfinity(LearningRate) ? $"learning rate must be positive, got {LearningRate}"
        : Momentum is < 0 or >= 1 ? $"momentum must be in [0, 1), got {Momentum}"
        : WeightDecay < 0 ? $"weight decay must not be negative, got {WeightDecay}"
        : TrainLimit < 0 ? $"train limit must not be negative, got {TrainLimit}"
        : StepsPerEpoch < 0 ? $"steps per epoch must not be negative, got {StepsPerEpoch}"
        : WarmupSteps < 0 ? $"warm-up steps must not be negative, got {WarmupSteps}"
        : null;
}
