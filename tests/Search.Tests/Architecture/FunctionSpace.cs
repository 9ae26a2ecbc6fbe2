using AutoDesign.Search.Architecture;

namespace AutoDesign.Search.Tests.Architecture;

/// <summary>
/// A choice space given by formulas: accuracy and cost of a choice vector, and optionally a maximum cost that the
/// space enforces (vectors above it are not allowed), as a latency budget would be.
/// </summary>
internal sealed class FunctionSpace(IReadOnlyList<Decision> decisions, Func<int[], double> accuracy, Func<int[], double> cost, double? maxCost = null) : ChoiceSpace
{
    public override IReadOnlyList<Decision> Decisions => decisions;

    public double? MaxCost => maxCost;

    public double Accuracy(IReadOnlyList<int> choices) => accuracy([.. choices]);

    public double Cost(IReadOnlyList<int> choices) => cost([.. choices]);

    public override bool Allows(IReadOnlyList<int> choices) => InRange(choices) && !(Cost(choices) > maxCost);

    public override ArchitectureScore Evaluate(IReadOnlyList<int> choices) =>
        new(Accuracy(choices), new Dictionary<string, double> { ["cost"] = Cost(choices) });

    public static IReadOnlyList<Decision> Grid(int decisions, int choices) =>
        Enumerable.Range(0, decisions).Select(i => Decision.Numeric($"x{i}", Enumerable.Range(0, choices).Select(c => (double)c).ToArray())).ToList();

    /// <summary>
    /// A bi-objective problem whose Pareto front is known: x0 (0..10) moves along the front, every other decision
    /// (0..4) only adds cost and loses accuracy, so the front is the 11 vectors with all other decisions at 0.
    /// </summary>
    public static FunctionSpace KnownFront(int others = 4) => new(
        [Decision.Numeric("x0", Enumerable.Range(0, 11).Select(c => (double)c).ToArray()), .. Grid(others, 5).Select((d, i) => d with { Name = $"y{i}" })],
        x => Math.Sqrt(x[0] / 10.0) - 0.1 * x.Skip(1).Sum(),
        x => x[0] / 10.0 + 0.05 * x.Skip(1).Sum());

    /// <summary>
    /// A constrained single-objective problem: more of each decision buys accuracy with diminishing returns and costs
    /// at its own price; the budget allows about a third of the largest cost.
    /// </summary>
    public static FunctionSpace Knapsack(double budgetShare = 0.35)
    {
        const int n = 12;
        var value = Enumerable.Range(0, n).Select(i => 1.0 + (i * 7 % 5)).ToArray();
        var price = Enumerable.Range(0, n).Select(i => 1.0 + (i * 3 % 4)).ToArray();
        double max = budgetShare * Enumerable.Range(0, n).Sum(i => 4 * price[i]);
        return new FunctionSpace(Grid(n, 5),
            x => x.Select((c, i) => value[i] * Math.Sqrt(c)).Sum() / value.Sum() / 2,
            x => x.Select((c, i) => price[i] * c).Sum(),
            max);
    }

    /// <summary>Every vector of the space, for spaces small enough to enumerate.</summary>
    public IEnumerable<int[]> All()
    {
        var sizes = decisions.Select(d => d.Choices.Count).ToArray();
        var current = new int[sizes.Length];
        while (true)
        {
            yield return [.. current];
            int i = 0;
            while (i < sizes.Length && ++current[i] == sizes[i]) current[i++] = 0;
            if (i == sizes.Length) yield break;
        }
    }
}
