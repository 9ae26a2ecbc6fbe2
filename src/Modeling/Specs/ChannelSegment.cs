namespace AutoDesign.Modeling.Specs;

/// <summary>
/// A run of consecutive channels in a layer's input that belongs to one <see cref="ChannelGroup"/>. A layer reading
/// a concat sees several segments, in the concat's order; any other layer sees one.
/// </summary>
public readonly record struct ChannelSegment(int Group, int Channels);
