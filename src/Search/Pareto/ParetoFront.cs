namespace AutoDesign.Search.Pareto;

/// <summary>The non-dominated points when accuracy is maximised and cost minimised.</summary>
public static class ParetoFront
{
    /// <summary>Indices of the points no other point beats on both accuracy and cost, ordered by cost.</summary>
    public static IReadOnlyList<int> Of(IReadOnlyList<(double Accuracy, double Cost)> points)
    {
        var order = Enumerable.Range(0, points.Count)
            .OrderBy(i => points[i].Cost).ThenByDescending(i => points[i].Accuracy).ToList();
        var front = new List<int>();
        double best = double.NegativeInfinity;
        foreach (int i in order)
        {
            if (points[i].Accuracy <= best) continue; // a cheaper point is at least as accurate
            front.Add(i);
            best = points[i].Accuracy;
        }
        return front;
    }

    /// <summary>The candidates on the front of accuracy against <paramref name="cost"/>, as a result lists them.</summary>
    public static IReadOnlyList<ParetoPoint> Points(IReadOnlyList<CandidateResult> candidates, Func<CandidateResult, double> cost) =>
        [.. Of([.. candidates.Select(c => (c.Accuracy, cost(c)))])
            .Select(i => new ParetoPoint(candidates[i].Index, candidates[i].Accuracy, candidates[i].Flops, candidates[i].Params, candidates[i].ConstrainedValue))];
}
