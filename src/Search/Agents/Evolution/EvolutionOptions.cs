using System.Text.Json.Serialization;

namespace AutoDesign.Search.Agents.Evolution;

/// <summary>
/// Evolutionary search as Once-for-All runs it; the defaults are OFA's. Each generation keeps the best
/// <see cref="ParentRatio"/> of the population as parents, makes <see cref="MutationRatio"/> of it by mutating a random
/// parent (each decision redrawn with <see cref="MutationProbability"/>) and the rest by crossing two random parents.
/// </summary>
public sealed record EvolutionOptions
{
    public int Population { get; init; } = 100;

    public double ParentRatio { get; init; } = 0.25;

    public double MutationRatio { get; init; } = 0.5;

    public double MutationProbability { get; init; } = 0.1;

    [JsonIgnore]
    public int Parents => (int)Math.Round(ParentRatio * Population, MidpointRounding.AwayFromZero);

    [JsonIgnore]
    public int Mutations => (int)Math.Round(MutationRatio * Population, MidpointRounding.AwayFromZero);

    /// <summary>Each bad setting as (field in camelCase, reason); empty when the options can run.</summary>
    public IEnumerable<(string Field, string Reason)> Problems()
    {
        if (Population is < 2 or > 100_000) yield return ("population", $"must be between 2 and 100,000, got {Population}");
        if (!(ParentRatio > 0 && ParentRatio < 1)) yield return ("parentRatio", $"must be in (0, 1), got {ParentRatio}");
        else if (Population >= 2 && Parents < 1) yield return ("parentRatio", $"keeps no parent of a population of {Population}");
        if (!(MutationRatio >= 0 && MutationRatio <= 1)) yield return ("mutationRatio", $"must be in [0, 1], got {MutationRatio}");
        else if (ParentRatio is > 0 and < 1 && Parents + Mutations > Population)
            yield return ("mutationRatio", $"parentRatio + mutationRatio must not exceed 1, got {ParentRatio} + {MutationRatio}");
        if (!(MutationProbability >= 0 && MutationProbability <= 1)) yield return ("mutationProbability", $"must be in [0, 1], got {MutationProbability}");
    }
}
