using AutoDesign.Modeling.Specs;

namespace AutoDesign.Search.Pruning;

/// <summary>
/// MACs and parameters of a model for given channel counts per prunable group, without building the pruned spec:
/// a layer's cost is a product of its input and output widths with fixed factors (map size, kernel area), so it is
/// computed from counts directly. Tests check it against the analysis of the really pruned network.
/// </summary>
internal sealed class PrunedCost
{
    // A run of input channels: the index of its prunable group (-1: fixed), its unpruned width and its channels per
    // channel of the group (grouped-query attention's queries hold r per key/value channel).
    private readonly record struct Width(int Group, int Channels, int Expansion = 1)
    {
        public long Of(IReadOnlyList<int> counts) => Group >= 0 ? (long)counts[Group] * Expansion : Channels;
    }

    // OutputPlane: output positions per channel; KernelArea: k x k; InputPlane: positions per input channel a linear layer flattens.
    // Groups: a conv's groups; for a layer that follows its input's width, the input channels each output channel reads.
    // Rows: an embedding's vocabulary, or the (query, key) position pairs an attention layer scores.
    private sealed record Term(LayerOp Op, Width[] Input, Width Output, int Groups, long OutputPlane, long KernelArea, long InputPlane, bool BatchNorm, long Rows = 0);

    private readonly Term[] _terms;

    public PrunedCost(ModelSpec spec, IReadOnlyList<ChannelGroup> prunable)
    {
        var analysis = spec.Analyze();
        var indexOfId = prunable.Select((g, k) => (g.Id, k)).ToDictionary(p => p.Id, p => p.k);
        int Index(int groupId) => indexOfId.GetValueOrDefault(groupId, -1);
        var producedBy = new Dictionary<string, (int Id, int Expansion)>();
        foreach (var group in analysis.ChannelGroups)
            foreach (var layer in group.Producers) producedBy[layer] = (group.Id, group.ExpansionOf(layer));

        _terms = spec.Layers.Select((layer, i) =>
        {
            var summary = analysis.Layers[i];
            long plane = summary.InputShape.Flat ? 1 : (long)summary.InputShape.Height * summary.InputShape.Width;
            var input = analysis.InputLayouts[layer.Name].Select(s => new Width(Index(s.Group), s.Channels, s.Expansion)).ToArray();
            var output = producedBy.TryGetValue(layer.Name, out var group) ? new Width(Index(group.Id), summary.OutChannels, group.Expansion) : new Width(-1, summary.OutChannels);
            // A grouped conv as wide as its input (a depthwise conv among them) follows its input's width, each output
            // channel reading a block of InChannels / Groups of them.
            bool follows = layer.Op == LayerOp.DepthwiseConv || summary.Groups > 1 && summary.InChannels == summary.OutChannels;
            long rows = layer.Op switch
            {
                LayerOp.Embedding => summary.InChannels,
                LayerOp.Attention => summary.Macs / (2L * summary.InChannels), // position pairs: the count does not change with the heads kept
                _ => 0,
            };
            return new Term(follows ? LayerOp.DepthwiseConv : layer.Op, input, output, follows ? summary.InChannels / summary.Groups : Math.Max(1, summary.Groups),
                (long)summary.OutputShape.Height * summary.OutputShape.Width, (long)layer.Kernel * layer.Kernel, plane, layer.BatchNorm, rows);
        }).Where(t => t.Op is LayerOp.Conv or LayerOp.DepthwiseConv or LayerOp.Linear or LayerOp.LayerNorm or LayerOp.Projection
            or LayerOp.RmsNorm or LayerOp.PositionEmbedding or LayerOp.Embedding or LayerOp.Attention).ToArray();
    }

    public (long Macs, long Params) Of(IReadOnlyList<int> counts)
    {
        long macs = 0, parameters = 0;
        foreach (var t in _terms)
        {
            long inWidth = t.Input.Sum(w => w.Of(counts));
            long outWidth = t.Output.Of(counts);
            long perOutput = t.BatchNorm ? 2 : 1;
            switch (t.Op)
            {
                case LayerOp.LayerNorm:
                    parameters += 2 * inWidth;
                    break;
                case LayerOp.RmsNorm:
                    parameters += inWidth;
                    break;
                case LayerOp.PositionEmbedding:
                    parameters += inWidth * t.OutputPlane;
                    break;
                case LayerOp.Embedding:
                    parameters += t.Rows * outWidth;
                    break;
                case LayerOp.Attention:
                    macs += 2 * t.Rows * inWidth;
                    break;
                case LayerOp.DepthwiseConv:
                    macs += t.OutputPlane * t.KernelArea * inWidth * t.Groups;
                    parameters += inWidth * t.Groups * t.KernelArea + inWidth * perOutput;
                    break;
                case LayerOp.Linear:
                    long inFeatures = inWidth * t.InputPlane;
                    macs += inFeatures * outWidth;
                    parameters += inFeatures * outWidth + outWidth;
                    break;
                default:
                    macs += t.OutputPlane * t.KernelArea * outWidth * inWidth / t.Groups;
                    parameters += outWidth * inWidth * t.KernelArea / t.Groups + outWidth * perOutput;
                    break;
            }
        }
        return (macs, parameters);
    }
}
