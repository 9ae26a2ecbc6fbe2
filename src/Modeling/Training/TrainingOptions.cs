using System.Text.Json.Serialization;

namespace AutoDesign.Modeling.Training;

[JsonConverter(typeof(JsonStringEnumConverter<OptimizerKind>))]
public enum OptimizerKind
{
    [JsonStringEnumMemberName("sgd")] Sgd,
    [JsonStringEnumMemberName("adam")] Adam,
}

/// <summary>
/// How a model is trained: the optimizer, a cosine learning-rate schedule from <see cref="LearningRate"/> to zero over
/// every step, and, with <see cref="Augment"/>, random crops of the zero-padded image (plus mirror images where the
/// data set allows them). Equal options on an equal spec and data set give the same cached model.
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

    /// <summary>The settings that train each zoo family well on 28x28 to 32x32 images.</summary>
    public static TrainingOptions RecipeFor(string model) => model.StartsWith("lenet5", StringComparison.Ordinal)
        ? new TrainingOptions { Epochs = 8, Optimizer = OptimizerKind.Adam, LearningRate = 2e-3, WeightDecay = 0, Augment = false }
        : model.StartsWith("resnet", StringComparison.Ordinal)
            ? new TrainingOptions { Epochs = 15 }
            : new TrainingOptions { Epochs = 12 };

    /// <summary>Names the first setting that cannot work, or returns null.</summary>
    public string? Problem() =>
        Epochs < 1 ? $"epochs must be at least 1, got {Epochs}"
        : BatchSize < 1 ? $"batch size must be at least 1, got {BatchSize}"
        : !(LearningRate > 0) || double.IsInfinity(LearningRate) ? $"learning rate must be positive, got {LearningRate}"
        : Momentum is < 0 or >= 1 ? $"momentum must be in [0, 1), got {Momentum}"
        : WeightDecay < 0 ? $"weight decay must not be negative, got {WeightDecay}"
        : TrainLimit < 0 ? $"train limit must not be negative, got {TrainLimit}"
        : null;
}
