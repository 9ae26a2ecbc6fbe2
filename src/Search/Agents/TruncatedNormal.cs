namespace AutoDesign.Search.Agents;

/// <summary>Samples from a normal distribution truncated to [low, high], drawing from a <see cref="SplitMix64"/>.</summary>
public static class TruncatedNormal
{
    public static double Sample(SplitMix64 random, double mean, double sigma, double low, double high)
    {
        if (sigma <= 0) return Math.Clamp(mean, low, high);
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            double value = mean + sigma * StandardNormal(random);
            if (value >= low && value <= high) return value;
        }
        return Math.Clamp(mean, low, high); // the mean is far outside the interval: its nearest point
    }

    /// <summary>Box-Muller transform of two uniform draws.</summary>
    public static double StandardNormal(SplitMix64 random)
    {
        double u1 = 1.0 - random.NextDouble(); // in (0, 1]
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
