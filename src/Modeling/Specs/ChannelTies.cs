namespace AutoDesign.Modeling.Specs;

/// <summary>
/// Finds the <see cref="ChannelGroup"/>s of a spec and the channel layout of every layer's input. Each layer output
/// carries a layout, a list of segments that name a group: a dense conv or linear layer starts a new group, a concat
/// lays its inputs' layouts end to end, and every other layer passes its input's layout on. An add or mul ties the
/// segments of its inputs pairwise (union-find), so every branch of a residual join, or a squeeze-and-excitation gate
/// and the map it scales, keep the same channels; attention ties its queries, keys and values the same way, in whole
/// heads, so that a pruned head goes from all three and from the output projection that reads it.
/// </summary>
internal static class ChannelTies
{
    private sealed class Members
    {
        public List<string> Producers { get; } = [];
        public List<string> Followers { get; } = [];
        public List<string> Consumers { get; } = [];
    }

    private readonly record struct Segment(int Slot, int Channels);

    public static (IReadOnlyList<ChannelGroup> Groups, IReadOnlyDictionary<string, IReadOnlyList<ChannelSegment>> InputLayouts) Find(
        ModelSpec spec, IReadOnlyList<LayerSummary> summaries)
    {
        int count = spec.Layers.Count;
        int networkInput = count; // the input image gets the slot after the last layer
        var parent = Enumerable.Range(0, count + 1).ToArray();
        var fixedBecause = new Dictionary<int, string>(); // by slot; moved to roots at the end
        var blocks = new Dictionary<int, int>(); // by slot: whole blocks a following grouped conv needs; moved to roots at the end
        var index = spec.Layers.Select((l, i) => (l.Name, i)).ToDictionary(p => p.Name, p => p.i);
        int Root(int x) => parent[x] == x ? x : parent[x] = Root(parent[x]);
        int[] Sources(int layer) => spec.InputsOf(layer) is { Count: > 0 } names ? [.. names.Select(n => index[n])] : [networkInput];
        void Fix(IEnumerable<Segment> segments, string reason)
        {
            foreach (var s in segments) fixedBecause.TryAdd(s.Slot, reason);
        }

        var layouts = new Segment[count + 1][];
        layouts[networkInput] = [new Segment(networkInput, spec.Input.Channels)];
        var inputLayouts = new Segment[count][];
        for (int i = 0; i < count; i++)
        {
            var layer = spec.Layers[i];
            var summary = summaries[i];
            var sources = Sources(i);
            var input = inputLayouts[i] = layouts[sources[0]];
            switch (ChannelRole.Of(layer, summary))
            {
                case ChannelRole.Kind.Producer:
                    layouts[i] = [new Segment(i, summary.OutChannels)];
                    if (summary.Groups > 1)
                    {
                        Fix(input, "a grouped conv reads it");
                        Fix(layouts[i], "a grouped conv makes it");
                    }
                    break;
                case ChannelRole.Kind.Concat:
                    layouts[i] = [.. sources.SelectMany(s => layouts[s])];
                    break;
                case ChannelRole.Kind.Tie:
                    layouts[i] = input;
                    foreach (int other in sources.Skip(1))
                    {
                        var joined = layouts[other];
                        if (joined.Select(s => s.Channels).SequenceEqual(input.Select(s => s.Channels)))
                            for (int k = 0; k < input.Length; k++) parent[Root(joined[k].Slot)] = Root(input[k].Slot);
                        else
                        {
                            string why = layer.Op == LayerOp.Attention
                                ? $"'{layer.Name}' shares its key and value heads between query heads" // grouped-query heads are not cut (yet)
                                : $"'{layer.Name}' joins it with channels split differently";
                            Fix(input, why);
                            Fix(joined, why);
                        }
                    }
                    if (ChannelRole.BlockOf(layer, summary) is > 1 and int heads)
                    {
                        if (input.Length == 1) blocks[input[0].Slot] = Lcm(blocks.GetValueOrDefault(input[0].Slot, 1), heads);
                        else Fix(input, $"attention '{layer.Name}' reads channels a concat joined");
                    }
                    break;
                case ChannelRole.Kind.Follower when ChannelRole.BlockOf(layer, summary) is > 1 and int block:
                    layouts[i] = input;
                    if (input.Length == 1) blocks[input[0].Slot] = Lcm(blocks.GetValueOrDefault(input[0].Slot, 1), block);
                    else Fix(input, $"grouped conv '{layer.Name}' reads channels a concat joined");
                    break;
                default:
                    layouts[i] = input;
                    break;
            }
        }

        // Groups are the roots that some layout names, in order of first appearance (the network input first).
        var order = new List<int>();
        var channels = new Dictionary<int, int>();
        foreach (var layout in layouts.Skip(count).Concat(layouts.Take(count)))
            foreach (var s in layout)
                if (channels.TryAdd(Root(s.Slot), s.Channels)) order.Add(Root(s.Slot));
        var id = order.Select((root, k) => (root, k)).ToDictionary(p => p.root, p => p.k);
        var members = order.Select(_ => new Members()).ToArray();

        for (int i = 0; i < count; i++)
        {
            var layer = spec.Layers[i];
            var readGroups = inputLayouts[i].Select(s => id[Root(s.Slot)]).Distinct();
            switch (ChannelRole.Of(layer, summaries[i]))
            {
                case ChannelRole.Kind.Producer:
                    members[id[Root(i)]].Producers.Add(layer.Name);
                    foreach (int g in readGroups) members[g].Consumers.Add(layer.Name);
                    break;
                case ChannelRole.Kind.Follower:
                    foreach (int g in readGroups) members[g].Followers.Add(layer.Name);
                    break;
            }
        }

        var reasons = new Dictionary<int, string>();
        foreach (var (slot, reason) in fixedBecause.OrderBy(p => p.Key)) reasons.TryAdd(id[Root(slot)], reason);
        foreach (var s in layouts[count - 1]) reasons[id[Root(s.Slot)]] = "it carries the class scores";
        foreach (var s in layouts[networkInput]) reasons[id[Root(s.Slot)]] = "it carries the network input";

        var blockOf = new Dictionary<int, int>();
        foreach (var (slot, block) in blocks) blockOf[id[Root(slot)]] = Lcm(blockOf.GetValueOrDefault(id[Root(slot)], 1), block);
        var groups = order.Select((root, g) => new ChannelGroup(g, channels[root], members[g].Producers, members[g].Followers,
            members[g].Consumers, reasons.GetValueOrDefault(g), blockOf.GetValueOrDefault(g, 1))).ToList();
        var resolved = spec.Layers.Select((l, i) => (l.Name, Layout: (IReadOnlyList<ChannelSegment>)
            [.. inputLayouts[i].Select(s => new ChannelSegment(id[Root(s.Slot)], s.Channels))]))
            .ToDictionary(p => p.Name, p => p.Layout);
        return (groups, resolved);
    }

    private static int Lcm(int a, int b)
    {
        int x = a, y = b;
        while (y != 0) (x, y) = (y, x % y);
        return a / x * b;
    }
}
