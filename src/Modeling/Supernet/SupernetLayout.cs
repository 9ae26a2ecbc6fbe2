using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// The fixed skeleton of a weight-sharing super-network and the choices it leaves open: a 3x3 stem conv, stages of
/// inverted residual blocks (1x1 expansion, kxk depthwise, 1x1 linear projection; identity shortcut where stride is
/// 1 and channels agree), a 1x1 head conv, global pooling and a classifier. Every block may use any of
/// <see cref="Kernels"/> and <see cref="Expansions"/>; every stage keeps the first d of its blocks, d in
/// <see cref="Depths"/>. Activations are ReLU6, as in MobileNetV2.
/// </summary>
public sealed record SupernetLayout
{
    public required InputSpec Input { get; init; }

    public required int Classes { get; init; }

    public required int StemChannels { get; init; }

    public int StemStride { get; init; } = 1;

    public required IReadOnlyList<StageLayout> Stages { get; init; }

    public required int HeadChannels { get; init; }

    /// <summary>Depthwise kernel sizes, ascending; every one but the largest is derived from the next larger one.</summary>
    public IReadOnlyList<int> Kernels { get; init; } = [3, 5, 7];

    /// <summary>Expansion ratios (hidden channels = input channels x ratio), ascending.</summary>
    public IReadOnlyList<int> Expansions { get; init; } = [3, 4, 6];

    /// <summary>Blocks kept per stage, ascending; the largest is every stage's <see cref="StageLayout.MaxDepth"/>.</summary>
    public IReadOnlyList<int> Depths { get; init; } = [2, 3, 4];

    public int MaxKernel => Kernels[^1];

    public int MaxExpansion => Expansions[^1];

    public int BlockCount => Stages.Sum(s => s.MaxDepth);

    /// <summary>The same skeleton and choices (the record's own equality compares the lists by reference).</summary>
    public bool SameAs(SupernetLayout other) => System.Text.Json.JsonSerializer.Serialize(this) == System.Text.Json.JsonSerializer.Serialize(other);

    /// <summary>
    /// The default for 28x28 and 32x32 images: a stride-2 stem to 16 channels, three stages of up to four blocks
    /// (24, 32 and 48 channels; the first two halve the map, 28x28 becomes 7x7 then 4x4) and a 1x1 head to 128
    /// channels. On 28x28 inputs the largest sub-network costs about 6.6 M MACs and the smallest about 1.2 M, so the
    /// whole progressive-shrinking schedule runs on two CPU cores.
    /// </summary>
    public static SupernetLayout Small(InputSpec input, int classes) => new()
    {
        Input = input,
        Classes = classes,
        StemChannels = 16,
        StemStride = 2,
        Stages = [new(24, 4, 2), new(32, 4, 2), new(48, 4, 1)],
        HeadChannels = 128,
    };

    /// <summary>
    /// A toy space for tests and smoke runs (two stages of up to two blocks, 8 and 12 channels; kernels {3, 5},
    /// expansions {1, 2}, depths {1, 2}): a training step takes milliseconds.
    /// </summary>
    public static SupernetLayout Tiny(InputSpec input, int classes) => new()
    {
        Input = input,
        Classes = classes,
        StemChannels = 4,
        StemStride = 2,
        Stages = [new(8, 2, 2), new(12, 2, 2)],
        HeadChannels = 16,
        Kernels = [3, 5],
        Expansions = [1, 2],
        Depths = [1, 2],
    };

    /// <summary>Names the first setting that cannot work, or returns null.</summary>
    public string? Problem()
    {
        static bool Ascending(IReadOnlyList<int> values) => values.Count > 0 && values.Zip(values.Skip(1)).All(p => p.First < p.Second);
        if (Classes < 2) return $"classes must be at least 2, got {Classes}";
        if (StemChannels < 1 || HeadChannels < 1) return "stem and head channels must be positive";
        if (StemStride < 1) return $"stem stride must be at least 1, got {StemStride}";
        if (Stages.Count == 0) return "a super-network needs at least one stage";
        if (!Ascending(Kernels) || Kernels.Any(k => k < 1 || k % 2 == 0)) return "kernels must be odd, positive and ascending";
        if (!Ascending(Expansions) || Expansions[0] < 1) return "expansion ratios must be positive and ascending";
        if (!Ascending(Depths) || Depths[0] < 1) return "depths must be positive and ascending";
        for (int s = 0; s < Stages.Count; s++)
        {
            var stage = Stages[s];
            if (stage.Channels < 1) return $"stages[{s}].channels must be positive, got {stage.Channels}";
            if (stage.Stride < 1) return $"stages[{s}].stride must be at least 1, got {stage.Stride}";
            if (stage.MaxDepth != Depths[^1]) return $"stages[{s}].maxDepth must be the largest depth choice {Depths[^1]}, got {stage.MaxDepth}";
        }
        return null;
    }

    /// <summary>Input channels of block <paramref name="block"/> (0-based) of stage <paramref name="stage"/>.</summary>
    public int InputChannels(int stage, int block) =>
        block > 0 ? Stages[stage].Channels : stage > 0 ? Stages[stage - 1].Channels : StemChannels;

    public int HiddenChannels(int stage, int block, int expansion) => InputChannels(stage, block) * expansion;
}
