namespace AutoDesign.Modeling.Specs;

/// <summary>Everything derived from a spec without building it: per-layer shapes and costs, totals and channel ties.</summary>
/// <param name="InputLayouts">For each layer (by name), the channel groups its (first) input is made of, in channel order.</param>
public sealed record ModelAnalysis(
    IReadOnlyList<LayerSummary> Layers,
    IReadOnlyList<ChannelGroup> ChannelGroups,
    IReadOnlyDictionary<string, IReadOnlyList<ChannelSegment>> InputLayouts)
{
    public long Macs => Layers.Sum(l => l.Macs);

    public long Params => Layers.Sum(l => l.Params);

    /// <summary>Values a KV cache holds per token (keys and values of every attention layer); times the bits per value / 8 for bytes.</summary>
    public long KvValuesPerToken => Layers.Sum(l => (long)l.KvChannels);

    public LayerSummary this[string layer] => Layers.First(l => l.Name == layer);
}
