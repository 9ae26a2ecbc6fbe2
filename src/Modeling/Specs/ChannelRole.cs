namespace AutoDesign.Modeling.Specs;

/// <summary>What a layer does to the channels it reads, for pruning.</summary>
internal static class ChannelRole
{
    public enum Kind
    {
        /// <summary>Sets its own output width (dense or grouped conv, linear): a pruned group narrows its filters.</summary>
        Producer,
        /// <summary>Has weights per channel of its input (depthwise conv, layer and RMS norm, a position embedding, a grouped conv as wide as its input): they are cut with the input.</summary>
        Follower,
        /// <summary>Passes its input's channels on without weights (pools, upsample).</summary>
        Passing,
        /// <summary>Ties the channels of its inputs pairwise (add, mul, and attention's queries, keys and values, in whole heads).</summary>
        Tie,
        /// <summary>Lays its inputs' channels end to end.</summary>
        Concat,
    }

    public static Kind Of(LayerSpec layer, LayerSummary summary) => layer.Op switch
    {
        // A grouped conv as wide as its input (ResNeXt, RegNet; a depthwise conv written as a conv) keeps whole groups of it.
        LayerOp.Conv when summary.Groups > 1 && summary.InChannels == summary.OutChannels => Kind.Follower,
        LayerOp.Conv or LayerOp.Linear or LayerOp.Projection or LayerOp.Embedding => Kind.Producer,
        LayerOp.DepthwiseConv or LayerOp.LayerNorm or LayerOp.RmsNorm or LayerOp.PositionEmbedding => Kind.Follower,
        LayerOp.Add or LayerOp.Mul or LayerOp.Attention => Kind.Tie,
        LayerOp.Concat => Kind.Concat,
        _ => Kind.Passing,
    };

    /// <summary>
    /// The whole blocks a layer needs of the channels it reads: what each group of a following grouped conv reads,
    /// an attention layer's heads; 1 for other layers.
    /// </summary>
    public static int BlockOf(LayerSpec layer, LayerSummary summary) => layer.Op switch
    {
        LayerOp.Conv when summary.Groups > 1 => summary.InChannels / summary.Groups,
        LayerOp.Attention => layer.HeadSize!.Value,
        _ => 1,
    };
}
