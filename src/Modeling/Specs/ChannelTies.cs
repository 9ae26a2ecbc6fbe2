namespace AutoDesign.Modeling.Specs;

/// <summary>
/// Finds the <see cref="ChannelGroup"/>s of a spec and the channel layout of every layer's input. Each layer output
/// carries a layout, a list of segments that name a group: a dense conv or linear layer starts a new group, a concat
/// lays its inputs' layouts end to end, and every other layer passes its input's layout on. An add or mul ties the
/// segments of its inputs pairwise (union-find), so every branch of a residual join, or a squeeze-and-excitation gate
/// and the map it scales, keep the same channels; attention ties its queries, keys and values the same way, in whole
/// heads, so that a pruned head goes from all three and from the output projection that reads it. Grouped-query
/// attention ties queries r times as wide as its keys: the group is as wide as its narrowest member, and a member r
/// times as wide holds r heads for each of its heads (query head h reads key/value head h / r).
/// </summary>
internal static class ChannelTies
{
    private sealed class Members
    {
        public List<string> Producers { get; } = [];
        public List<string> Followers { get; } = [];
        public List<string> Consumers { get; } = [];
        public Dictionary<string, int> Expansions { get; } = [];
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
                    // Attention ties its queries and values to its keys, which are as wide as the heads it keeps.
                    var reference = layer.Op == LayerOp.Attention ? layouts[sources[1]] : input;
                    foreach (var joined in sources.Select(s => layouts[s]).Where(l => l != reference))
                    {
                        if (joined.Select(s => s.Channels).SequenceEqual(reference.Select(s => s.Channels)))
                            for (int k = 0; k < reference.Length; k++) parent[Root(joined[k].Slot)] = Root(reference[k].Slot);
                        else if (layer.Op == LayerOp.Attention && joined.Length == 1 && reference.Length == 1)
                            parent[Root(joined[0].Slot)] = Root(reference[0].Slot); // grouped-query heads: r times the keys' width (the analysis checked)
                        else
                        {
                            string why = $"'{layer.Name}' joins it with channels split differently";
                            Fix(reference, why);
                            Fix(joined, why);
                        }
                    }
                    if (ChannelRole.BlockOf(layer, summary) is > 1 and int heads)
                    {
                        if (reference.Length == 1) blocks[reference[0].Slot] = Lcm(blocks.GetValueOrDefault(reference[0].Slot, 1), heads);
                        else Fix(reference, $"attention '{layer.Name}' reads channels a concat joined");
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

        // Groups are the roots that some layout names, in order of first appearance (the network input first), each as
        // wide as its narrowest slot.
        var order = new List<int>();
        var channels = new Dictionary<int, int>();
        var slotChannels = new Dictionary<int, int>();
        foreach (var layout in layouts.Skip(count).Concat(layouts.Take(count)))
            foreach (var s in layout)
            {
                slotChannels[s.Slot] = s.Channels;
                if (channels.TryAdd(Root(s.Slot), s.Channels)) order.Add(Root(s.Slot));
                else channels[Root(s.Slot)] = Math.Min(channels[Root(s.Slot)], s.Channels);
            }
        int ExpansionOf(int slot) => slotChannels[slot] / channels[Root(slot)];
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
                    if (ExpansionOf(i) > 1) members[id[Root(i)]].Expansions[layer.Name] = ExpansionOf(i);
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
        foreach (var (slot, width) in slotChannels.OrderBy(p => p.Key)) // query heads shared by key heads of different attention layers
            if (width % channels[Root(slot)] != 0) reasons.TryAdd(id[Root(slot)], "attention layers share its heads between query heads unevenly");

        // A slot r times as wide as its group keeps r blocks in a row per block of the group, so it needs whole blocks
        // of b there only where b divides r times the group's block.
        var blockOf = new Dictionary<int, int>();
        foreach (var (slot, block) in blocks)
            blockOf[id[Root(slot)]] = Lcm(blockOf.GetValueOrDefault(id[Root(slot)], 1), block / Gcd(block, ExpansionOf(slot)));
        var groups = order.Select((root, g) => new ChannelGroup(g, channels[root], members[g].Producers, members[g].Followers,
            members[g].Consumers, reasons.GetValueOrDefault(g), blockOf.GetValueOrDefault(g, 1), members[g].Expansions)).ToList();
        var resolved = spec.Layers.Select((l, i) => (l.Name, Layout: (IReadOnlyList<ChannelSegment>)
            [.. inputLayouts[i].Select(s => new ChannelSegment(id[Root(s.Slot)], s.Channels, ExpansionOf(s.Slot)))]))
            .ToDictionary(p => p.Name, p => p.Layout);
        return (groups, resolved);
    }

    private static int Lcm(int a, int b) => a / Gcd(a, b) * b;

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
