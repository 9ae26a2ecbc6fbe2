namespace AutoDesign.Modeling.Specs;

/// <summary>Everything derived from a spec without building it: per-layer shapes and costs, totals and channel ties.</summary>
public sealed record ModelAnalysis(
    IReadOnlyList<LayerSummary> Layers,
    IReadOnlyList<ChannelGroup> ChannelGroups)
{
    public long Macs => Layers.Sum(l => l.Macs);

    public long Params => Layers.Sum(l => l.Params);

    public LayerSummary this[string layer] => Layers.First(l => l.Name == layer);
}
