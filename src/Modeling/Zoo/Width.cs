namespace AutoDesign.Modeling.Zoo;

/// <summary>How zoo models scale channel counts by a width multiplier.</summary>
internal static class Width
{
    public static int Scale(int channels, double multiplier) => Math.Max(1, (int)Math.Round(channels * multiplier));

    /// <summary>MobileNet's rule: the nearest multiple of <paramref name="divisor"/>, never more than 10% below the exact value.</summary>
    public static int ScaleDivisible(int channels, double multiplier, int divisor = 8)
    {
        double exact = channels * multiplier;
        int rounded = Math.Max(divisor, (int)(exact + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * exact ? rounded + divisor : rounded;
    }
}
