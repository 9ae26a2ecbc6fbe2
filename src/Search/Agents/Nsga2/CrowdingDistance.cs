namespace AutoDesign.Search.Agents.Nsga2;

/// <summary>
/// NSGA-II's crowding distance within one front: for each objective, the normalised gap between a point's two
/// neighbours, summed; the extreme points of each objective get infinity so that they are always kept. An objective
/// that is constant on the front has no extremes and adds nothing (as Optuna's NSGA-II does): which members sit at
/// the ends of its sort would be an accident of their order.
/// </summary>
public static class CrowdingDistance
{
    /// <returns>A distance per member of <paramref name="front"/>, in its order.</returns>
    public static double[] Of(IReadOnlyList<IReadOnlyList<double>> points, IReadOnlyList<int> front)
    {
        var distance = new double[front.Count];
        if (front.Count <= 2)
        {
            Array.Fill(distance, double.PositiveInfinity);
            return distance;
        }
        int objectives = points[front[0]].Count;
        for (int m = 0; m < objectives; m++)
        {
            var order = Enumerable.Range(0, front.Count).OrderBy(k => points[front[k]][m]).ThenBy(k => front[k]).ToArray();
            double low = points[front[order[0]]][m], high = points[front[order[^1]]][m];
            if (high <= low) continue;
            distance[order[0]] = distance[order[^1]] = double.PositiveInfinity;
            for (int k = 1; k < order.Length - 1; k++)
                distance[order[k]] += (points[front[order[k + 1]]][m] - points[front[order[k - 1]]][m]) / (high - low);
        }
        return distance;
    }
}
