using MathNet.Numerics.Statistics;

namespace AutoDesign.HardwareProfiler.Measured;

/// <summary>Summaries of repeated timings.</summary>
public static class Timings
{
    /// <summary>Median and interquartile range, interpolating linearly between order statistics (R's type 7, numpy's default).</summary>
    public static (double Median, double Iqr) MedianAndIqr(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values to summarise");
        var sorted = values.Order().ToArray();
        double Quantile(double q) => SortedArrayStatistics.QuantileCustom(sorted, q, QuantileDefinition.R7);
        return (Quantile(0.5), Quantile(0.75) - Quantile(0.25));
    }
}
