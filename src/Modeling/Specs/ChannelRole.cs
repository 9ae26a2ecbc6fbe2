namespace AutoDesign.Modeling.Specs;

/// <summary>What a layer does to the channels it reads, for pruning.</summary>
internal static class ChannelRole
{
    public enum Kind
    {
        /// <summary>Sets its own output width (dense or grouped conv, linear): a pruned group narrows its filters.</summary>
        Producer,
        /// <summary>Has weights per channel of its input (depthwise conv, layer norm, a grouped conv as wide as its input): they are cut with the input.</summary>
        Follower,
        /// <summary>Passes its input's channels on without weights (pools, upsample).</summary>
        Passing,
        /// <summary>Ties the channels of its inputs pairwise (add, mul).</summary>
        Tie,
        /// <summary>Lays its inputs' channels end to end.</summary>
        Concat,
    }

    public static Kind Of(LayerSpec layer, LayerSummary summary) => layer.Op switch
    {
        // A grouped conv as wide as its input (ResNeXt, RegNet; a depthwise conv written as a conv) keeps whole groups of it.
        LayerOp.Conv when summary.Groups > 1 && summary.InChannels == summary.OutChannels => Kind.Follower,
        LayerOp.Conv or LayerOp.Linear => Kind.Producer,
        LayerOp.DepthwiseConv or LayerOp.LayerNorm => Kind.Follower,
        LayerOp.Add or LayerOp.Mul => Kind.Tie,
        LayerOp.Concat => Kind.Concat,
        _ => Kind.Passing,
    };

    /// <summary>How many input channels each group of a following grouped conv reads (1 for other followers).</summary>
    public static int BlockOf(LayerSpec layer, LayerSummary summary) =>
        layer.Op == LayerOp.Conv && summary.Groups > 1 ? summary.InChannels / summary.Groups : 1;
}
