namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// One sub-network of a super-network: how many blocks each stage keeps, and each block's depthwise kernel and
/// expansion ratio. <see cref="Kernels"/> and <see cref="Expansions"/> hold an entry for every block of every stage
/// (stage-major, <see cref="SupernetLayout.BlockCount"/> in all), including blocks the depth leaves out, so that a
/// choice keeps a fixed shape; the entries of left-out blocks do not change the network.
/// </summary>
public sealed record SubnetChoice(IReadOnlyList<int> Depths, IReadOnlyList<int> Kernels, IReadOnlyList<int> Expansions)
{
    public bool Equals(SubnetChoice? other) =>
        other is not null && Depths.SequenceEqual(other.Depths) && Kernels.SequenceEqual(other.Kernels) && Expansions.SequenceEqual(other.Expansions);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var values in new[] { Depths, Kernels, Expansions })
            foreach (var value in values) hash.Add(value);
        return hash.ToHashCode();
    }

    /// <summary>A compact, readable form: per stage, the kept blocks as kernel/expansion, e.g. "7/6 5/4 | 3/3 3/3 3/3".</summary>
    public override string ToString()
    {
        var stages = new List<string>();
        int first = 0, maxDepth = Kernels.Count / Math.Max(1, Depths.Count);
        foreach (var depth in Depths)
        {
            stages.Add(string.Join(' ', Enumerable.Range(first, depth).Select(b => $"{Kernels[b]}/{Expansions[b]}")));
            first += maxDepth;
        }
        return string.Join(" | ", stages);
    }
}
