using System.Text.Json.Serialization;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// The phases of progressive shrinking; each makes one more dimension elastic. Once-for-All opens depth and expansion
/// in two steps each: the two largest values first (a narrow phase), then all of them. The numbers are kept as they
/// were when the narrow phases came (a phase's number seeds its batches); <see cref="ShrinkingPhases.InOrder"/> is the
/// training order.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShrinkingPhase>))]
public enum ShrinkingPhase
{
    /// <summary>Only the largest sub-network trains.</summary>
    [JsonStringEnumMemberName("full")] Full,
    /// <summary>Every kernel size, at full depth and expansion.</summary>
    [JsonStringEnumMemberName("kernel")] ElasticKernel,
    /// <summary>Every kernel size and depth, at full expansion.</summary>
    [JsonStringEnumMemberName("depth")] ElasticDepth,
    /// <summary>Everything; hidden channels are sorted by importance when it starts.</summary>
    [JsonStringEnumMemberName("expansion")] ElasticExpansion,
    /// <summary>Every kernel size, the two largest depths, at full expansion.</summary>
    [JsonStringEnumMemberName("depth-narrow")] ElasticDepthNarrow,
    /// <summary>Every kernel size and depth, the two largest expansion ratios; hidden channels are sorted when it starts.</summary>
    [JsonStringEnumMemberName("expansion-narrow")] ElasticExpansionNarrow,
}

public static class ShrinkingPhases
{
    public static IReadOnlyList<ShrinkingPhase> InOrder { get; } =
    [
        ShrinkingPhase.Full, ShrinkingPhase.ElasticKernel, ShrinkingPhase.ElasticDepthNarrow, ShrinkingPhase.ElasticDepth,
        ShrinkingPhase.ElasticExpansionNarrow, ShrinkingPhase.ElasticExpansion,
    ];

    /// <summary>What a phase samples from.</summary>
    public static ChoiceRange Range(this ShrinkingPhase phase, SupernetLayout layout) => phase switch
    {
        ShrinkingPhase.Full => new ChoiceRange([layout.Kernels[^1]], [layout.Expansions[^1]], [layout.Depths[^1]]),
        ShrinkingPhase.ElasticKernel => new ChoiceRange(layout.Kernels, [layout.Expansions[^1]], [layout.Depths[^1]]),
        ShrinkingPhase.ElasticDepthNarrow => new ChoiceRange(layout.Kernels, [layout.Expansions[^1]], [.. layout.Depths.TakeLast(2)]),
        ShrinkingPhase.ElasticDepth => new ChoiceRange(layout.Kernels, [layout.Expansions[^1]], layout.Depths),
        ShrinkingPhase.ElasticExpansionNarrow => new ChoiceRange(layout.Kernels, [.. layout.Expansions.TakeLast(2)], layout.Depths),
        _ => ChoiceRange.All(layout),
    };
}
