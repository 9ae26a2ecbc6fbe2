namespace AutoDesign.Modeling.Specs;

/// <summary>Finds the <see cref="ChannelGroup"/>s of a spec with a union-find over layer outputs.</summary>
internal static class ChannelTies
{
    private sealed class Members
    {
        public List<string> Producers { get; } = [];
        public List<string> Followers { get; } = [];
        public List<string> Consumers { get; } = [];
    }

    public static IReadOnlyList<ChannelGroup> Find(ModelSpec spec)
    {
        int count = spec.Layers.Count;
        int networkInput = count; // the input image gets the slot after the last layer
        var parent = Enumerable.Range(0, count + 1).ToArray();
        var index = spec.Layers.Select((l, i) => (l.Name, i)).ToDictionary(p => p.Name, p => p.i);

        int Root(int x) => parent[x] == x ? x : parent[x] = Root(parent[x]);
        IEnumerable<int> Sources(int layer) =>
            spec.InputsOf(layer) is { Count: > 0 } names ? names.Select(n => index[n]) : [networkInput];

        // Every layer but a conv or linear passes its input's channels through, so it joins their group.
        for (int i = 0; i < count; i++)
            if (spec.Layers[i].Op is not (LayerOp.Conv or LayerOp.Linear))
                foreach (int source in Sources(i)) parent[Root(i)] = Root(source);

        var groups = new SortedDictionary<int, Members>(); // keyed by root, ordered below by first appearance
        Members Of(int slot) => groups.TryGetValue(Root(slot), out var m) ? m : groups[Root(slot)] = new Members();
        Of(networkInput);
        for (int i = 0; i < count; i++)
        {
            var layer = spec.Layers[i];
            if (layer.Op is LayerOp.Conv or LayerOp.Linear)
            {
                Of(i).Producers.Add(layer.Name);
                Of(Sources(i).First()).Consumers.Add(layer.Name);
            }
            else if (layer.Op is LayerOp.DepthwiseConv)
            {
                Of(i).Followers.Add(layer.Name);
            }
        }

        int inputRoot = Root(networkInput), outputRoot = Root(count - 1);
        int FirstAppearance(int root) => root == inputRoot ? -1 : Enumerable.Range(0, count).First(i => Root(i) == root);

        return groups
            .OrderBy(g => FirstAppearance(g.Key))
            .Select((g, id) => new ChannelGroup(
                id,
                g.Key == inputRoot ? spec.Input.Channels : spec.Layer(g.Value.Producers[0]).Out!.Value,
                g.Value.Producers,
                g.Value.Followers,
                g.Value.Consumers,
                g.Key == inputRoot ? "it carries the network input"
                    : g.Key == outputRoot ? "it carries the class scores"
                    : null))
            .ToList();
    }
}
