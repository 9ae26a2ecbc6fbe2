using AutoDesign.Modeling.Specs;
using static TorchSharp.torch;

namespace AutoDesign.Search.Pruning;

/// <summary>
/// A group's channels as a member r times as wide holds them (grouped-query attention's queries; see
/// <see cref="ChannelSegment.Expansion"/>): r blocks in a row for each block of the group.
/// </summary>
internal static class ChannelExpansion
{
    /// <summary>The member's channels that the group's kept channels (whole blocks, ascending) keep.</summary>
    public static Tensor Expand(Tensor kept, int block, int expansion)
    {
        if (expansion == 1) return kept;
        var firsts = kept.reshape(-1, block)[.., 0]; // block j starts at j x block, its r blocks at j x block x r
        return (firsts.unsqueeze(1) * expansion + arange((long)block * expansion).unsqueeze(0)).flatten();
    }

    /// <summary>A score per channel of the member, summed onto the group's channels (its r blocks onto their block).</summary>
    public static Tensor Fold(Tensor scores, int block, int expansion) =>
        expansion == 1 ? scores : scores.reshape(-1, expansion, block).sum(1).flatten();
}
