namespace AutoDesign.Search.Pareto;

/// <summary>Pareto dominance between objective vectors in which every objective is minimised.</summary>
public static class Dominance
{
    /// <summary>No worse in any objective and better in at least one.</summary>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        bool better = false;
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i] > b[i]) return false;
            if (a[i] < b[i]) better = true;
        }
        return better;
    }

    /// <summary>The minimised form of accuracy (maximised) and costs (minimised): accuracy negated, costs as they are.</summary>
    public static double[] Minimised(double accuracy, IEnumerable<double> costs) => [-accuracy, .. costs];
}
