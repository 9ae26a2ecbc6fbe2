namespace AutoDesign.Modeling.Specs;

/// <summary>
/// A set of layer outputs whose channel counts must agree: a conv and the depthwise convs and pools that follow it,
/// or every branch joined by a residual add. Pruning keeps the same channels in every member, or leaves the group alone.
/// </summary>
/// <param name="Producers">Conv or linear layers whose <c>out</c> sets the group's width; they are pruned together.</param>
/// <param name="Followers">Depthwise convs whose channels follow the group (their filters are cut with it).</param>
/// <param name="Consumers">Conv or linear layers that read the group as their input channels (their input is cut).</param>
/// <param name="FixedBecause">Why the group cannot be pruned (it holds the network input or its output), or null.</param>
public sealed record ChannelGroup(
    int Id,
    int Channels,
    IReadOnlyList<string> Producers,
    IReadOnlyList<string> Followers,
    IReadOnlyList<string> Consumers,
    string? FixedBecause)
{
    public bool Prunable => FixedBecause is null;
}
