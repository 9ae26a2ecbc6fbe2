namespace AutoDesign.Search.Pruning;

/// <summary>
/// The channel counts a group may keep: every count for narrow groups, multiples of <c>multiple</c> (and the full
/// width) once the group is at least four multiples wide, never fewer than <c>lowerBound</c> of the channels; where a
/// grouped conv reads the group, only multiples of its <c>block</c>.
/// </summary>
public sealed class ChannelGrid
{
    private readonly int[] _counts;

    public ChannelGrid(int channels, int multiple, double lowerBound, int block = 1)
    {
        Channels = channels;
        int least = Math.Max(block, (int)Math.Ceiling(lowerBound * channels - 1e-9));
        var counts = multiple > 1 && channels >= 4 * multiple
            ? Enumerable.Range(1, channels / multiple).Select(i => i * multiple).Append(channels)
            : Enumerable.Range(1, channels);
        _counts = counts.Where(c => c >= least && c % block == 0).Distinct().Order().ToArray();
        if (_counts.Length == 0) _counts = [channels];
    }

    public int Channels { get; }

    public int Minimum => _counts[0];

    public IReadOnlyList<int> Counts => _counts;

    public int Round(double count, ChannelRounding rounding) => rounding == ChannelRounding.Up ? Ceiling(count) : Floor(count);

    /// <summary>The smallest allowed count not below the nearest whole count to <paramref name="count"/> (all channels if none is).</summary>
    public int Ceiling(double count)
    {
        double whole = Math.Round(count);
        foreach (int c in _counts)
            if (c >= whole) return c;
        return _counts[^1];
    }

    /// <summary>The largest allowed count not above <paramref name="count"/> (the minimum if all are above).</summary>
    public int Floor(double count)
    {
        int best = _counts[0];
        foreach (int c in _counts)
            if (c <= count + 1e-9) best = c;
        return best;
    }
}
