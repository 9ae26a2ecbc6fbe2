namespace AutoDesign.Modeling.Specs;

/// <summary>
/// How many channels each prunable channel group keeps, keyed by the group's first producer layer
/// (see <see cref="ChannelGroup"/>); groups not named keep all their channels.
/// </summary>
public sealed record PruningPolicy(IReadOnlyDictionary<string, int> Keep)
{
    public static PruningPolicy None { get; } = new(new Dictionary<string, int>());

    public static string KeyOf(ChannelGroup group) => group.Producers[0];

    /// <summary>The spec with every producer of a pruned group narrowed to the kept width; throws naming a bad entry.</summary>
    public ModelSpec ApplyTo(ModelSpec spec)
    {
        var groups = spec.Analyze().ChannelGroups.Where(g => g.Prunable).ToDictionary(KeyOf);
        var width = new Dictionary<string, int>();
        foreach (var (key, keep) in Keep)
        {
            if (!groups.TryGetValue(key, out var group))
                throw new ArgumentException($"policy names '{key}', which is not the first layer of a prunable channel group of '{spec.Name}'");
            if (keep < 1 || keep > group.Channels)
                throw new ArgumentException($"policy keeps {keep} channels of '{key}', which has {group.Channels}");
            foreach (var producer in group.Producers) width[producer] = keep;
        }
        return spec with
        {
            Layers = spec.Layers.Select(l => width.TryGetValue(l.Name, out int w) ? l with { Out = w } : l).ToList(),
        };
    }
}
