using System.Text.Json.Serialization;
using AutoDesign.Search.Agents.Evolution;
using AutoDesign.Search.Agents.Nsga2;
using AutoDesign.Search.Jobs;

namespace AutoDesign.Search.Kinds.Nas;

/// <summary>
/// An architecture search: over a benchmark table, e.g. <c>{"kind":"nas","space":{"type":"table","path":"bench.csv",
/// "decisions":["e0","e1"],"objective":"acc"},"agent":"evolution","constraint":{"metric":"lat_dev","max":4.5},
/// "budget":{"evaluations":500},"seed":1}</c>, or over a trained once-for-all super-network
/// (<c>"supernet":"fashion"</c>, with the data set it was trained on), optionally scored by an accuracy predictor.
/// </summary>
public sealed record NasSpec : JobSpec
{
    /// <summary>A benchmark table to search.</summary>
    [JsonPropertyOrder(-8)]
    public SpaceSpec? Space { get; init; }

    /// <summary>The once-for-all super-network whose sub-networks are searched (by name under supernets/, or path).</summary>
    [JsonPropertyOrder(-7)]
    public string? Supernet { get; init; }

    /// <summary>The data set a super-network was trained on (optional; checked against it).</summary>
    [JsonPropertyOrder(-6)]
    public string? Dataset { get; init; }

    [JsonPropertyOrder(-4)]
    public ConstraintSpec? Constraint { get; init; }

    [JsonPropertyOrder(-3)]
    public ArchitectureBudget? Budget { get; init; }

    /// <summary>Evolution's settings (evolution only; defaults are OFA's, but for the population: see <see cref="BudgetedPopulation"/>).</summary>
    [JsonPropertyOrder(6)]
    public EvolutionSettings? Evolution { get; init; }

    /// <summary>NSGA-II's settings (nsga2 only).</summary>
    [JsonPropertyOrder(6)]
    public Nsga2Settings? Nsga2 { get; init; }

    /// <summary>Score a super-network search's candidates with an accuracy predictor, confirming only the best by real evaluation.</summary>
    [JsonPropertyOrder(7)]
    public PredictorSpec? Predictor { get; init; }

    /// <summary>
    /// How the best sub-network is recovered before it is saved (super-networks only; default on), distilled from the
    /// largest sub-network with the super-network's recipe at a tenth of its full phase's rate.
    /// </summary>
    [JsonPropertyOrder(8)]
    public Recovery.RecoverySpec? Recovery { get; init; }
}

/// <summary>
/// A search space given as data. <c>table</c>: a CSV or JSON benchmark table at <see cref="Path"/> (absolute, relative to
/// the working directory, or under the data folder's <c>tables/</c>), whose <see cref="Decisions"/> columns are the
/// architecture and whose <see cref="Objective"/> column is the accuracy to maximise.
/// </summary>
public sealed record SpaceSpec
{
    public string? Type { get; init; }

    public string? Path { get; init; }

    public IReadOnlyList<string>? Decisions { get; init; }

    public string? Objective { get; init; }
}

/// <summary>How many distinct architectures to evaluate, and how many at once.</summary>
public sealed record ArchitectureBudget
{
    /// <summary>Distinct architectures to evaluate: a proposal seen before costs nothing.</summary>
    public int? Evaluations { get; init; }

    public int? Batch { get; init; }
}

/// <summary>Evolution's settings as a spec gives them; each one left out takes its default.</summary>
public sealed record EvolutionSettings
{
    /// <summary>Default: from the budget (<see cref="BudgetedPopulation"/>).</summary>
    public int? Population { get; init; }

    public double? ParentRatio { get; init; }

    public double? MutationRatio { get; init; }

    public double? MutationProbability { get; init; }
}

/// <summary>
/// The population an evolutionary agent gets when the spec names none: a tenth of the evaluations, between 8 and
/// 100, so that the search runs about ten generations. A population as large as the budget would spend every
/// evaluation on its random first generation and end where random search ends.
/// </summary>
public static class BudgetedPopulation
{
    public const int Smallest = 8, Largest = 100;

    public static int For(int evaluations) => Math.Clamp((int)Math.Round(evaluations / 10.0, MidpointRounding.AwayFromZero), Smallest, Largest);
}

/// <summary>NSGA-II's settings and the costs it trades accuracy against.</summary>
public sealed record Nsga2Settings
{
    /// <summary>Default: from the budget (<see cref="BudgetedPopulation"/>).</summary>
    public int? Population { get; init; }

    public double CrossoverProbability { get; init; } = 0.9;

    /// <summary>Per decision; default one over the number of decisions.</summary>
    public double? MutationProbability { get; init; }

    /// <summary>Numeric columns to minimise beside maximising accuracy (default: the constraint's metric).</summary>
    public IReadOnlyList<string>? Objectives { get; init; }
}

/// <summary>
/// Predictor-guided search over a super-network, as Once-for-All searches: the agent's <c>budget.evaluations</c>
/// distinct sub-networks are scored by an accuracy predictor fitted on the super-network's measured sub-networks
/// (<c>autodesign supernet sample</c>), and only the <see cref="Confirm"/> best predicted are evaluated for real.
/// </summary>
public sealed record PredictorSpec
{
    /// <summary><c>mlp</c> (Once-for-All's, the default) or <c>fasttree</c>.</summary>
    public string? Model { get; init; }

    /// <summary>How many of the best predicted sub-networks to evaluate for real (default 10).</summary>
    public int? Confirm { get; init; }
}

/// <summary>
/// An architecture search resolved: the table (its path, decisions and objective) or the super-network (its name,
/// folder and data set), the constraint's metric, target and limit, the costs a multi-objective agent trades, the
/// evaluations, the agents' settings and the predictor. Paths under the data folder are kept relative to it, so a
/// silo that takes the job over finds them in its own.
/// </summary>
public sealed record NasPlan : JobPlan
{
    public TablePlan? Table { get; init; }

    public SupernetPlan? Supernet { get; init; }

    public string? ConstraintMetric { get; init; }

    /// <summary>The target a super-network's latency or energy constraint is costed on.</summary>
    public string? ConstraintTarget { get; init; }

    public double? Limit { get; init; }

    public required IReadOnlyList<string> Costs { get; init; }

    public required int Evaluations { get; init; }

    public required EvolutionOptions Evolution { get; init; }

    public required Nsga2Options Nsga2 { get; init; }

    public PredictorPlan? Predictor { get; init; }

    /// <summary>How the best sub-network is recovered (null: not at all, as for a table, or in plans stored before recovery).</summary>
    public Recovery.RecoveryPlan? Recovery { get; init; }
}

/// <param name="Path">The table file, relative to the data folder when it lies in it.</param>
public sealed record TablePlan(string Path, string Source, IReadOnlyList<string> Decisions, string Objective);

/// <param name="Directory">The saved super-network's folder, relative to the data folder when it lies in it.</param>
public sealed record SupernetPlan(string Name, string Directory, string Dataset);

public sealed record PredictorPlan(string Model, int Confirm);
