namespace AutoDesign.Modeling.Specs;

/// <summary>
/// A set of layer outputs whose channel counts must agree: a conv and the depthwise convs and pools that follow it,
/// every branch joined by a residual add, or a squeeze-and-excitation gate and the map it scales. A concat does not
/// merge groups: each of its inputs' channel ranges stays its own group. Pruning keeps the same channels in every
/// member, or leaves the group alone. Grouped-query attention ties its keys and values into a group kept in whole
/// heads, and its queries to that group, expanded: keeping key/value head j keeps the r query heads that read it.
/// </summary>
/// <param name="Producers">Conv or linear layers whose <c>out</c> sets the group's width (times their expansion); they are pruned together.</param>
/// <param name="Followers">Depthwise convs, layer norms and grouped convs as wide as their input, whose channels follow the group (their weights are cut with it).</param>
/// <param name="Consumers">Conv or linear layers that read the group as (some of) their input channels (their input is cut).</param>
/// <param name="FixedBecause">Why the group cannot be pruned (it holds the network input or its output, or a grouped conv reads it), or null.</param>
/// <param name="Block">Channels are kept in whole blocks of this many (the groups of a grouped conv that follows the group, attention heads); 1 otherwise.</param>
/// <param name="Expansions">Producers whose output holds r blocks for each block of the group (see <see cref="ChannelSegment.Expansion"/>), with their r:
/// grouped-query attention's query projections. Null or absent: none.</param>
public sealed record ChannelGroup(
    int Id,
    int Channels,
    IReadOnlyList<string> Producers,
    IReadOnlyList<string> Followers,
    IReadOnlyList<string> Consumers,
    string? FixedBecause,
    int Block = 1,
    IReadOnlyDictionary<string, int>? Expansions = null)
{
    public bool Prunable => FixedBecause is null;

    /// <summary>Channels a producer of the group has per channel of the group: 1, or the r of grouped-query attention's queries.</summary>
    public int ExpansionOf(string producer) => Expansions?.GetValueOrDefault(producer, 1) ?? 1;

    /// <summary>The channel count nearest <paramref name="count"/> that the group may keep: whole blocks, at least one, at most all.</summary>
    public int Snap(double count) => Math.Clamp((int)Math.Round(count / Block) * Block, Block, Channels);
}
