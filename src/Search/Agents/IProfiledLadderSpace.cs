namespace AutoDesign.Search.Agents;

/// <summary>
/// A sequential space of ladders (each step's choices most costly first) that can measure what one step alone costs
/// the score: the loss when only that step takes the bottom of its ladder. The importance recipe needs it.
/// </summary>
public interface IProfiledLadderSpace : ISequentialSpace
{
    double? Budget { get; }

    int Rungs(int step);

    double CostOf(IReadOnlyList<int> rungs);

    /// <summary>The score lost when only <paramref name="step"/> is at its bottom rung (may be expensive).</summary>
    double Loss(int step);
}
