using AutoDesign.Search.Pareto;

namespace AutoDesign.Search.Agents.Nsga2;

/// <summary>Deb's fast non-dominated sorting: the points split into fronts, the first dominated by none of them.</summary>
public static class NonDominatedSorting
{
    /// <returns>The fronts in order, each a list of indices into <paramref name="points"/> in ascending order.</returns>
    public static List<List<int>> Fronts(IReadOnlyList<IReadOnlyList<double>> points)
    {
        int n = points.Count;
        var dominated = new List<int>[n];
        var dominators = new int[n];
        var fronts = new List<List<int>> { new() };
        for (int i = 0; i < n; i++)
        {
            dominated[i] = [];
            for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                if (Dominance.Dominates(points[i], points[j])) dominated[i].Add(j);
                else if (Dominance.Dominates(points[j], points[i])) dominators[i]++;
            }
            if (dominators[i] == 0) fronts[0].Add(i);
        }
        while (true)
        {
            var next = new List<int>();
            foreach (int i in fronts[^1])
                foreach (int j in dominated[i])
                    if (--dominators[j] == 0) next.Add(j);
            if (next.Count == 0) break;
            next.Sort();
            fronts.Add(next);
        }
        if (fronts[0].Count == 0) fronts.Clear();
        return fronts;
    }

    /// <summary>Each point's front number (0 for the non-dominated ones).</summary>
    public static int[] Ranks(IReadOnlyList<IReadOnlyList<double>> points)
    {
        var ranks = new int[points.Count];
        var fronts = Fronts(points);
        for (int f = 0; f < fronts.Count; f++)
            foreach (int i in fronts[f]) ranks[i] = f;
        return ranks;
    }
}
