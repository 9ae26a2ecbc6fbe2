namespace AutoDesign.Search.Quantization;

/// <summary>
/// HAQ's mapping of a continuous action in [0, 1] to a bit-width in [min, max]: the interval is cut into equal
/// buckets, one per bit-width (min - 0.5 .. max + 0.5 scaled to [0, 1]), and the action rounds to its bucket.
/// </summary>
public static class BitMapping
{
    public static int ToBits(double action, int minBits, int maxBits)
    {
        double scaled = (maxBits - minBits + 1) * Math.Clamp(action, 0, 1) + minBits - 0.5;
        return Math.Clamp((int)Math.Round(scaled, MidpointRounding.AwayFromZero), minBits, maxBits);
    }

    /// <summary>The action at the centre of a bit-width's bucket (what an episode reports as taken).</summary>
    public static double ToAction(int bits, int minBits, int maxBits) => (bits - minBits + 0.5) / (maxBits - minBits + 1);
}
