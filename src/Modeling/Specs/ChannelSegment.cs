namespace AutoDesign.Modeling.Specs;

/// <summary>
/// A run of consecutive channels in a layer's input that belongs to one <see cref="ChannelGroup"/>. A layer reading
/// a concat sees several segments, in the concat's order; any other layer sees one.
/// </summary>
/// <param name="Expansion">Channels of the segment per channel of its group: 1, or r where grouped-query attention's
/// queries (and what reads them) meet the group of its keys and values, whose every head r query heads share. Such a
/// segment holds, for each block of the group (<see cref="ChannelGroup.Block"/>), r blocks in a row.</param>
public readonly record struct ChannelSegment(int Group, int Channels, int Expansion = 1);
