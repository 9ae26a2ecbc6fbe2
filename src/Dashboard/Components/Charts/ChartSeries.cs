namespace AutoDesign.Dashboard.Components.Charts;

/// <summary>A point of a chart; <see cref="Key"/> says what it stands for (e.g. a candidate) when it is clicked.</summary>
public sealed record ChartPoint(double X, double Y, string Key, string? Label = null);

/// <summary>A named set of points; <see cref="Lines"/> joins them in order.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points, bool Lines = false, bool Markers = true, int MarkerSize = 8,
    string? Color = null, string? Symbol = null);
