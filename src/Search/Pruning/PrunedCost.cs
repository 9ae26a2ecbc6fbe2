using AutoDesign.Modeling.Specs;

namespace AutoDesign.Search.Pruning;

/// <summary>
/// MACs and parameters of a model for given channel counts per prunable group, without building the pruned spec:
/// a layer's cost is a product of its input and output widths with fixed factors (map size, kernel area), so it is
/// computed from counts directly. Tests check it against the analysis of the really pruned network.
/// </summary>
internal sealed class PrunedCost
{
    // OutputPlane: output positions per channel; KernelArea: k x k; InputPlane: positions per input channel a linear layer flattens.
    private sealed record Term(LayerOp Op, int InGroup, int InChannels, int OutGroup, int OutChannels, long OutputPlane, long KernelArea, long InputPlane, bool BatchNorm);

    private readonly Term[] _terms;

    public PrunedCost(ModelSpec spec, IReadOnlyList<ChannelGroup> prunable)
    {
        var analysis = spec.Analyze();
        var groupOf = new Dictionary<string, int>();
        for (int g = 0; g < prunable.Count; g++)
            foreach (var layer in prunable[g].Producers.Concat(prunable[g].Followers)) groupOf[layer] = g;
        var inputGroupOf = new Dictionary<string, int>();
        for (int g = 0; g < prunable.Count; g++)
            foreach (var layer in prunable[g].Consumers.Concat(prunable[g].Followers)) inputGroupOf[layer] = g;

        _terms = spec.Layers.Select((layer, i) =>
        {
            var summary = analysis.Layers[i];
            long plane = summary.InputShape.Flat ? 1 : (long)summary.InputShape.Height * summary.InputShape.Width;
            return new Term(layer.Op,
                inputGroupOf.GetValueOrDefault(layer.Name, -1), layer.Op == LayerOp.Linear ? (int)(summary.InChannels / plane) : summary.InChannels,
                groupOf.GetValueOrDefault(layer.Name, -1), summary.OutChannels,
                (long)summary.OutputShape.Height * summary.OutputShape.Width, (long)layer.Kernel * layer.Kernel, plane, layer.BatchNorm);
        }).Where(t => t.Op is LayerOp.Conv or LayerOp.DepthwiseConv or LayerOp.Linear).ToArray();
    }

    public (long Macs, long Params) Of(IReadOnlyList<int> counts)
    {
        long macs = 0, parameters = 0;
        foreach (var t in _terms)
        {
            long inWidth = t.InGroup >= 0 ? counts[t.InGroup] : t.InChannels;
            long outWidth = t.OutGroup >= 0 ? counts[t.OutGroup] : t.OutChannels;
            long perOutput = t.BatchNorm ? 2 : 1;
            switch (t.Op)
            {
                case LayerOp.DepthwiseConv:
                    macs += t.OutputPlane * t.KernelArea * outWidth;
                    parameters += outWidth * t.KernelArea + outWidth * perOutput;
                    break;
                case LayerOp.Linear:
                    long inFeatures = inWidth * t.InputPlane;
                    macs += inFeatures * outWidth;
                    parameters += inFeatures * outWidth + outWidth;
                    break;
                default:
                    macs += t.OutputPlane * t.KernelArea * outWidth * inWidth;
                    parameters += outWidth * inWidth * t.KernelArea + outWidth * perOutput;
                    break;
            }
        }
        return (macs, parameters);
    }
}
