namespace AutoDesign.Modeling.Specs;

/// <summary>
/// How many channels each prunable channel group keeps, keyed by the group's first producer layer as wide as the group
/// (see <see cref="ChannelGroup"/>); groups not named keep all their channels.
/// </summary>
public sealed record PruningPolicy(IReadOnlyDictionary<string, int> Keep)
{
    public static PruningPolicy None { get; } = new(new Dictionary<string, int>());

    /// <summary>A group's first producer as wide as the group: grouped-query attention's keys, not its wider queries.</summary>
    public static string KeyOf(ChannelGroup group) => group.Producers.First(p => group.ExpansionOf(p) == 1);

    /// <summary>The spec with every producer of a pruned group narrowed to the kept width; throws naming a bad entry.</summary>
    public ModelSpec ApplyTo(ModelSpec spec)
    {
        var analysis = spec.Analyze();
        var groups = analysis.ChannelGroups.Where(g => g.Prunable).ToDictionary(KeyOf);
        var keepOf = new Dictionary<int, int>();
        var width = new Dictionary<string, int>();
        foreach (var (key, keep) in Keep)
        {
            if (!groups.TryGetValue(key, out var group))
                throw new ArgumentException($"policy names '{key}', which is not the first layer of a prunable channel group of '{spec.Name}'");
            if (keep < 1 || keep > group.Channels)
                throw new ArgumentException($"policy keeps {keep} channels of '{key}', which has {group.Channels}");
            if (keep % group.Block != 0)
                throw new ArgumentException($"policy keeps {keep} channels of '{key}', which is cut in whole blocks of {group.Block} (attention heads or a grouped conv's groups)");
            foreach (var producer in group.Producers) width[producer] = keep * group.ExpansionOf(producer);
            keepOf[group.Id] = keep;
        }
        return spec with
        {
            Layers = spec.Layers.Select((l, i) =>
                width.TryGetValue(l.Name, out int w) ? l with { Out = w }
                : ChannelRole.Of(l, analysis.Layers[i]) == ChannelRole.Kind.Follower && l.Op == LayerOp.Conv
                    ? GroupedFollower(l, ChannelRole.BlockOf(l, analysis.Layers[i]), analysis.InputLayouts[l.Name], keepOf)
                : l).ToList(),
        };
    }

    // A grouped conv as wide as its input keeps the groups whose blocks of input channels remain.
    private static LayerSpec GroupedFollower(LayerSpec layer, int block, IReadOnlyList<ChannelSegment> input, Dictionary<int, int> keepOf)
    {
        int channels = input.Sum(s => keepOf.TryGetValue(s.Group, out int keep) ? keep * s.Expansion : s.Channels);
        return layer with { Out = channels, Groups = channels / block };
    }
}
