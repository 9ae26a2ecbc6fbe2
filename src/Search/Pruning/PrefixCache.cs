using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using static TorchSharp.torch;

namespace AutoDesign.Search.Pruning;

/// <summary>
/// Work shared by every candidate of a pruning search: layers whose input channels no policy can cut (those reading
/// the network input, and the pools, depthwise convs and joins reading only them) compute, for any candidate, some of
/// the channels the unpruned network computes. Their outputs on the validation images are computed once; a
/// candidate's network starts from the channels it keeps of them. Worth it only where those layers are a fair share
/// of the work (LeNet-5's first conv and pool are 28 % of its MACs), and only while the maps fit in memory.
/// </summary>
public sealed class PrefixCache : IDisposable
{
    private const double LeastShare = 0.05;

    private readonly (int Layer, IReadOnlyList<ChannelSegment> Layout)[] _frontier;
    private readonly IReadOnlyList<ChannelGroup> _groups;
    private readonly List<Dictionary<int, Tensor>> _outputs = []; // per validation batch, by layer

    private PrefixCache((int, IReadOnlyList<ChannelSegment>)[] frontier, IReadOnlyList<ChannelGroup> groups) => (_frontier, _groups) = (frontier, groups);

    /// <summary>The cache for a network's validation batches, or null where no prefix is worth keeping.</summary>
    public static PrefixCache? Create(SpecNetwork network, PreparedBatches validation, long maxBytes = 256L << 20)
    {
        var spec = network.Spec;
        var analysis = network.Analysis;
        var cut = analysis.ChannelGroups.Where(g => g.Prunable).SelectMany(g => g.Consumers).ToHashSet();
        var index = spec.Layers.Select((l, i) => (l.Name, i)).ToDictionary(p => p.Name, p => p.i);
        var inputs = spec.Layers.Select((_, i) => spec.InputsOf(i).Select(n => index[n]).ToArray()).ToArray();
        var prefix = new bool[spec.Layers.Count];
        for (int i = 0; i < prefix.Length; i++)
            prefix[i] = !cut.Contains(spec.Layers[i].Name) && inputs[i].All(s => prefix[s]);
        if (prefix[^1] || spec.Layers.Where((_, i) => prefix[i]).Sum(l => analysis[l.Name].Macs) < LeastShare * analysis.Macs) return null;

        // The prefix's outputs that the rest reads, each with its channel layout (as its first reader sees it).
        var frontier = new List<(int, IReadOnlyList<ChannelSegment>)>();
        for (int i = 0; i < prefix.Length; i++)
        {
            if (!prefix[i]) continue;
            var readers = Enumerable.Range(0, prefix.Length).Where(r => !prefix[r] && inputs[r].Contains(i)).ToList();
            if (readers.Count == 0) continue;
            var firstReader = readers.FirstOrDefault(r => inputs[r][0] == i, -1);
            if (firstReader < 0 || readers.Any(r => spec.Layers[r].Op == LayerOp.Concat && inputs[r][0] != i)) return null; // its layout is not known for sure
            frontier.Add((i, analysis.InputLayouts[spec.Layers[firstReader].Name]));
        }
        long bytes = frontier.Sum(f => analysis.Layers[f.Item1].OutputShape.Elements) * 4L * validation.Count;
        if (bytes > maxBytes) return null;

        var cache = new PrefixCache([.. frontier], analysis.ChannelGroups);
        using var full = ScoringNetwork.Of(network);
        using var inference = inference_mode();
        foreach (var (images, _) in validation.Batches)
        {
            var outputs = full.Outputs(images, [.. frontier.Select(f => f.Item1)]);
            cache._outputs.Add(outputs.ToDictionary(p => p.Key, p => p.Value.DetachFromDisposeScope()));
        }
        return cache;
    }

    /// <summary>
    /// A candidate's view of one validation batch: the channels it keeps of each cached output. The tensors belong
    /// to the caller's dispose scope.
    /// </summary>
    /// <param name="kept">The channels kept of each cut group, by group id.</param>
    public Dictionary<int, Tensor> For(int batch, IReadOnlyDictionary<int, Tensor> kept)
    {
        var view = new Dictionary<int, Tensor>();
        foreach (var (layer, layout) in _frontier)
        {
            var full = _outputs[batch][layer];
            view[layer] = ChannelPruner.InputChannelsKept(layout, kept, _groups) is { } channels ? full.index_select(1, channels) : full.alias();
        }
        return view;
    }

    public void Dispose()
    {
        foreach (var outputs in _outputs)
            foreach (var tensor in outputs.Values) tensor.Dispose();
    }
}
