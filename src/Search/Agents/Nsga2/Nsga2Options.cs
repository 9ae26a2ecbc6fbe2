namespace AutoDesign.Search.Agents.Nsga2;

/// <summary>NSGA-II's settings: population, uniform crossover's probability and the per-decision mutation probability.</summary>
public sealed record Nsga2Options
{
    public int Population { get; init; } = 100;

    public double CrossoverProbability { get; init; } = 0.9;

    /// <summary>Null: one over the number of decisions (one decision changes per child on average).</summary>
    public double? MutationProbability { get; init; }

    /// <summary>
    /// The hypervolume's reference point, every objective minimised (accuracy negated first, then the costs). Null: the
    /// worst value of each objective in the first generation, moved out by a tenth of its range.
    /// </summary>
    public IReadOnlyList<double>? Reference { get; init; }

    /// <summary>Each bad setting as (field in camelCase, reason); empty when the options can run.</summary>
    public IEnumerable<(string Field, string Reason)> Problems()
    {
        if (Population is < 2 or > 100_000) yield return ("population", $"must be between 2 and 100,000, got {Population}");
        if (!(CrossoverProbability >= 0 && CrossoverProbability <= 1)) yield return ("crossoverProbability", $"must be in [0, 1], got {CrossoverProbability}");
        if (MutationProbability is { } p && !(p >= 0 && p <= 1)) yield return ("mutationProbability", $"must be in [0, 1], got {p}");
    }
}
