namespace AutoDesign.HardwareProfiler.Measured;

/// <summary>Summaries of repeated timings.</summary>
public static class Statistics
{
    /// <summary>Median and interquartile range, with linear interpolation between order statistics.</summary>
    public static (double Median, double Iqr) MedianAndIqr(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values to summarise");
        var sorted = values.Order().ToArray();
        double Quantile(double q)
        {
            double position = q * (sorted.Length - 1);
            int low = (int)Math.Floor(position);
            int high = Math.Min(low + 1, sorted.Length - 1);
            return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
        }
        return (Quantile(0.5), Quantile(0.75) - Quantile(0.25));
    }
}
