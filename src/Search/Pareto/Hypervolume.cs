namespace AutoDesign.Search.Pareto;

/// <summary>
/// The volume of objective space that a set of points dominates, bounded by a reference point (every objective
/// minimised). Exact: a sweep in two dimensions, and for more, slicing along the last objective (HSO: each slab
/// between consecutive values holds the (d-1)-dimensional volume of the points at or below it), which is quick for
/// the few objectives and hundreds of points a search produces.
/// </summary>
public static class Hypervolume
{
    public static double Of(IEnumerable<IReadOnlyList<double>> points, IReadOnlyList<double> reference)
    {
        // Only points better than the reference in every objective add volume.
        var inside = points.Where(p =>
        {
            if (p.Count != reference.Count) throw new ArgumentException($"a point has {p.Count} objectives, the reference {reference.Count}");
            return p.Select((v, i) => v < reference[i]).All(b => b);
        }).Select(p => p.ToArray()).ToList();
        return inside.Count == 0 ? 0 : Volume(inside, reference.ToArray(), reference.Count);
    }

    /// <summary>
    /// A reference point for a set of points: each objective's worst value moved out by a tenth of its range (by 1
    /// where all values are equal), so that the extreme points still add volume.
    /// </summary>
    public static double[] ReferenceFor(IReadOnlyList<IReadOnlyList<double>> points)
    {
        if (points.Count == 0) throw new ArgumentException("no points", nameof(points));
        return Enumerable.Range(0, points[0].Count).Select(m =>
        {
            double worst = points.Max(p => p[m]), best = points.Min(p => p[m]);
            return worst + (worst > best ? 0.1 * (worst - best) : 1.0);
        }).ToArray();
    }

    private static double Volume(List<double[]> points, double[] reference, int dimensions)
    {
        if (dimensions == 1) return reference[0] - points.Min(p => p[0]);
        if (dimensions == 2) return Area(points, reference);
        int last = dimensions - 1;
        var order = points.OrderBy(p => p[last]).ToList();
        double volume = 0;
        var below = new List<double[]>();
        for (int i = 0; i < order.Count; i++)
        {
            below.Add(order[i]);
            double top = i + 1 < order.Count ? order[i + 1][last] : reference[last];
            if (top > order[i][last]) volume += (top - order[i][last]) * Volume(below, reference, last);
        }
        return volume;
    }

    private static double Area(List<double[]> points, double[] reference)
    {
        double area = 0, lowest = reference[1];
        foreach (var p in points.OrderBy(p => p[0]).ThenBy(p => p[1]))
        {
            if (p[1] >= lowest) continue; // covered by a point to its left
            area += (reference[0] - p[0]) * (lowest - p[1]);
            lowest = p[1];
        }
        return area;
    }
}
