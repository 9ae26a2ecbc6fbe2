using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using static TorchSharp.torch;

namespace AutoDesign.Search.Pruning;

/// <summary>
/// Rewrites a trained network into a smaller one: in each pruned channel group the most important channels are kept
/// (the same ones in every tied layer), the producers' filters and batch-norm entries, the followers' depthwise
/// filters and the consumers' matching input weights are cut, and a new <see cref="SpecNetwork"/> is built from the
/// narrowed spec; where a member holds r blocks per block of the group (grouped-query attention's queries and the output
/// projection that reads them), it keeps the r blocks of each kept one. It works on the state dictionary, whose keys
/// <see cref="SpecNetwork"/> names after the layers.
/// </summary>
public static class ChannelPruner
{
    public static SpecNetwork Prune(SpecNetwork network, PruningPolicy policy, FilterImportance importance = FilterImportance.L1) =>
        PruneKeepingIndices(network, policy, importance).Network;

    /// <summary>Prunes and also returns, per pruned group (by key), the original indices of the channels kept.</summary>
    public static (SpecNetwork Network, IReadOnlyDictionary<string, long[]> Kept) PruneKeepingIndices(
        SpecNetwork network, PruningPolicy policy, FilterImportance importance = FilterImportance.L1)
    {
        var pruned = new SpecNetwork(policy.ApplyTo(network.Spec)); // built outside the scope, which frees every intermediate tensor
        using var scope = NewDisposeScope();
        var (_, state, keptByGroup) = PrunedState(network, policy, importance);
        using (no_grad())
        {
            var (missing, unexpected) = pruned.load_state_dict(state, strict: true);
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new InvalidOperationException($"pruned weights do not match the pruned spec: missing {string.Join(",", missing)}, unexpected {string.Join(",", unexpected)}");
        }
        return (pruned, keptByGroup);
    }

    /// <summary>
    /// The pruned spec and weights without building a network (for scoring); the caller's dispose scope owns the
    /// new tensors, and the rest are the original network's own.
    /// </summary>
    public static (ModelSpec Spec, Dictionary<string, Tensor> State, IReadOnlyDictionary<string, long[]> Kept) PrunedState(
        SpecNetwork network, PruningPolicy policy, FilterImportance importance = FilterImportance.L1)
    {
        var keptByGroup = new Dictionary<string, long[]>();
        var spec = policy.ApplyTo(network.Spec);
        var analysis = network.Analysis;
        var state = new Dictionary<string, Tensor>(network.state_dict());

        // Groups are pruned in network order, and each one's inputs are cut from the layers that read it before the
        // next group's channels are ranked: a filter's importance counts only the input channels that remain.
        var kept = new Dictionary<int, Tensor>(); // by group id
        var width = analysis.ChannelGroups.ToDictionary(g => g.Id, g => g.Channels); // as cut so far
        foreach (var group in analysis.ChannelGroups.Where(g => g.Prunable))
        {
            if (!policy.Keep.TryGetValue(PruningPolicy.KeyOf(group), out int keep) || keep == group.Channels) continue;
            var rows = kept[group.Id] = KeptChannels(group, state, keep, importance, analysis, width);
            keptByGroup[PruningPolicy.KeyOf(group)] = rows.data<long>().ToArray();
            foreach (var producer in group.Producers) SelectRows(state, producer, ChannelExpansion.Expand(rows, group.Block, group.ExpansionOf(producer)));
            foreach (var consumer in group.Consumers.Distinct())
                SelectColumns(state, analysis[consumer], Columns(analysis.InputLayouts[consumer], group, rows, width));
            width[group.Id] = keep;
        }
        foreach (var layer in analysis.ChannelGroups.SelectMany(g => g.Followers).Distinct())
            if (InputChannelsKept(analysis.InputLayouts[layer], kept, analysis.ChannelGroups) is { } rows) SelectRows(state, layer, rows);
        return (spec, state, keptByGroup);
    }

    /// <summary>
    /// The indices (ascending) of the <paramref name="keep"/> most important channels of a group; in a group a grouped
    /// conv or attention reads, the whole blocks most important together (with, in grouped-query attention, the query
    /// heads that read them).
    /// </summary>
    /// <param name="width">The width of each group (by id) as cut so far, where the state's consumers already lost
    /// channels of earlier groups; null: none has.</param>
    public static Tensor KeptChannels(ChannelGroup group, IReadOnlyDictionary<string, Tensor> state, int keep, FilterImportance importance,
        ModelAnalysis analysis, IReadOnlyDictionary<int, int>? width = null)
    {
        var score = importance == FilterImportance.NextLayer && group.Consumers.Count > 0
            ? ConsumerUse(group, state, analysis, width ?? analysis.ChannelGroups.ToDictionary(g => g.Id, g => g.Channels))
            : FilterNorms(group, state, importance == FilterImportance.L2);
        if (group.Block > 1) // whole blocks, ranked by the total importance of their channels
        {
            var (_, blocks) = score.reshape(-1, group.Block).sum(1).topk(keep / group.Block);
            return (blocks.sort().Values.unsqueeze(1) * group.Block + arange(group.Block).unsqueeze(0)).flatten();
        }
        var (_, order) = score.topk(keep);
        return order.sort().Values;
    }

    private static Tensor FilterNorms(ChannelGroup group, IReadOnlyDictionary<string, Tensor> state, bool l2)
    {
        Tensor? score = null;
        foreach (var producer in group.Producers)
        {
            var weight = state.TryGetValue($"{producer}.conv.weight", out var conv) ? conv
                : state.TryGetValue($"{producer}.embedding.weight", out var table) ? table.T // a token's vector per row: channels are columns
                : state[$"{producer}.fc.weight"];
            var flat = weight.detach().flatten(1);
            var norm = ChannelExpansion.Fold(l2 ? flat.square().sum(1).sqrt() : flat.abs().sum(1), group.Block, group.ExpansionOf(producer));
            score = score is null ? norm : score + norm;
        }
        return score!;
    }

    // The L1 norm of every consumer's input weights for each channel of the group (over outputs and kernel positions,
    // and over the r query heads that read a key/value head).
    private static Tensor ConsumerUse(ChannelGroup group, IReadOnlyDictionary<string, Tensor> state, ModelAnalysis analysis, IReadOnlyDictionary<int, int> width)
    {
        Tensor? score = null;
        foreach (var name in group.Consumers.Distinct())
        {
            var consumer = analysis[name];
            Tensor use; // per input channel as the consumer reads them now
            if (consumer.Op == LayerOp.Linear)
            {
                var weight = state[$"{name}.fc.weight"].detach();
                long plane = (long)consumer.InputShape.Height * consumer.InputShape.Width;
                use = weight.abs().reshape(weight.shape[0], -1, plane).sum([0, 2]);
            }
            else if (consumer.Op == LayerOp.Projection) use = state[$"{name}.fc.weight"].detach().abs().sum([0]);
            else use = state[$"{name}.conv.weight"].detach().abs().sum([0, 2, 3]);
            long offset = 0;
            foreach (var segment in analysis.InputLayouts[name])
            {
                long channels = (long)width[segment.Group] * segment.Expansion;
                if (segment.Group == group.Id)
                {
                    var part = ChannelExpansion.Fold(use.narrow(0, offset, channels), group.Block, segment.Expansion);
                    score = score is null ? part : score + part;
                }
                offset += channels;
            }
        }
        return score!;
    }

    // Cuts every per-output-channel tensor of a layer (filters, bias, batch or layer norm entries, an embedding's
    // columns) to the kept rows.
    private static void SelectRows(Dictionary<string, Tensor> state, string layer, Tensor rows)
    {
        foreach (var key in state.Keys.Where(k => k.StartsWith(layer + ".", StringComparison.Ordinal) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList())
            state[key] = state[key].index_select(key.EndsWith(".embedding.weight", StringComparison.Ordinal) ? 1 : 0, rows);
    }

    // A consumer's input columns as they are now, keeping only the rows kept of one group's segments.
    private static Tensor Columns(IReadOnlyList<ChannelSegment> layout, ChannelGroup group, Tensor rows, IReadOnlyDictionary<int, int> width)
    {
        var parts = new List<Tensor>();
        long offset = 0;
        foreach (var segment in layout)
        {
            long channels = (long)width[segment.Group] * segment.Expansion;
            parts.Add((segment.Group == group.Id ? ChannelExpansion.Expand(rows, group.Block, segment.Expansion) : arange(channels, dtype: ScalarType.Int64)) + offset);
            offset += channels;
        }
        return cat(parts, 0);
    }

    private static void SelectColumns(Dictionary<string, Tensor> state, LayerSummary consumer, Tensor columns)
    {
        if (consumer.Op == LayerOp.Linear)
        {
            string key = $"{consumer.Name}.fc.weight";
            state[key] = state[key].index_select(1, FlattenedColumns(columns, consumer.InputShape));
        }
        else if (consumer.Op == LayerOp.Projection)
        {
            string key = $"{consumer.Name}.fc.weight";
            state[key] = state[key].index_select(1, columns);
        }
        else
        {
            string key = $"{consumer.Name}.conv.weight";
            state[key] = state[key].index_select(1, columns);
        }
    }

    /// <summary>The channels a layer's input keeps, segment by segment of its layout; null when none of them is pruned.</summary>
    /// <param name="kept">The channels kept of each cut group, by group id.</param>
    /// <param name="groups">The network's channel groups, by id.</param>
    internal static Tensor? InputChannelsKept(IReadOnlyList<ChannelSegment> layout, IReadOnlyDictionary<int, Tensor> kept, IReadOnlyList<ChannelGroup> groups)
    {
        if (!layout.Any(s => kept.ContainsKey(s.Group))) return null;
        var parts = new List<Tensor>();
        long offset = 0;
        foreach (var segment in layout)
        {
            parts.Add((kept.TryGetValue(segment.Group, out var rows)
                ? ChannelExpansion.Expand(rows, groups[segment.Group].Block, segment.Expansion)
                : arange(segment.Channels, dtype: ScalarType.Int64)) + offset);
            offset += segment.Channels;
        }
        return cat(parts, 0);
    }

    // A linear layer reads a (C, H, W) map flattened channel by channel: channel c owns columns c*H*W .. (c+1)*H*W - 1.
    private static Tensor FlattenedColumns(Tensor channels, TensorShape input)
    {
        long plane = (long)input.Height * input.Width;
        if (plane == 1) return channels;
        return (channels.unsqueeze(1) * plane + arange(plane).unsqueeze(0)).flatten();
    }
}
