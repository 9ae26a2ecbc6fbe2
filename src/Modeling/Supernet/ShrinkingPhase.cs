using System.Text.Json.Serialization;

namespace AutoDesign.Modeling.Supernet;

/// <summary>The phases of progressive shrinking, in training order; each makes one more dimension elastic.</summary>
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
}

public static class ShrinkingPhases
{
    public static IReadOnlyList<ShrinkingPhase> InOrder { get; } = Enum.GetValues<ShrinkingPhase>();

    /// <summary>What a phase samples from.</summary>
    public static ChoiceRange Range(this ShrinkingPhase phase, SupernetLayout layout) => phase switch
    {
        ShrinkingPhase.Full => new ChoiceRange([layout.Kernels[^1]], [layout.Expansions[^1]], [layout.Depths[^1]]),
        ShrinkingPhase.ElasticKernel => new ChoiceRange(layout.Kernels, [layout.Expansions[^1]], [layout.Depths[^1]]),
        ShrinkingPhase.ElasticDepth => new ChoiceRange(layout.Kernels, [layout.Expansions[^1]], layout.Depths),
        _ => ChoiceRange.All(layout),
    };
}
