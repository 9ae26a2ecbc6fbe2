namespace AutoDesign.Modeling;

/// <summary>
/// Steele, Lea and Flood's SplitMix64: a tiny generator whose output is fixed by its seed on every platform and
/// runtime version, so data splits and shuffles can be documented and reproduced outside .NET.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong State => _state;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, bound), by rejection so that no value is favoured.</summary>
    public int NextInt(int bound) => (int)NextLong(bound);

    /// <summary>Uniform in [0, bound), by rejection; for a bound <see cref="NextInt"/> takes too, the same value.</summary>
    public long NextLong(long bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        ulong limit = ulong.MaxValue - ulong.MaxValue % (ulong)bound;
        ulong value;
        do value = Next(); while (value >= limit);
        return (long)(value % (ulong)bound);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Fisher-Yates shuffle, drawing j in [0, i] for i from the end down.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    public int[] Permutation(int count)
    {
        var order = Enumerable.Range(0, count).ToArray();
        Shuffle(order);
        return order;
    }
}
