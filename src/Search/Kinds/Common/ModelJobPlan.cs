using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Recovery;

namespace AutoDesign.Search.Kinds.Common;

/// <summary>
/// What a job that starts from a trained model resolved its spec to: the model as named and the network it names,
/// the data set, the base model's training recipe, the budget in absolute terms, the episodes and DDPG's settings.
/// </summary>
public abstract record ModelJobPlan : JobPlan
{
    /// <summary>The model as the spec named it (the model cache is keyed by it).</summary>
    public required string Model { get; init; }

    /// <summary>The network the name stood for when the job was planned.</summary>
    public required ModelSpec BaseSpec { get; init; }

    public required string Dataset { get; init; }

    public required TrainingOptions BaseTraining { get; init; }

    public required CostLimit Constraint { get; init; }

    public required int Episodes { get; init; }

    public required int WarmupEpisodes { get; init; }

    public required double InitialNoise { get; init; }

    public required double NoiseDecay { get; init; }

    /// <summary>How the best design is recovered (null: not at all, as in plans stored before recovery).</summary>
    public RecoveryPlan? Recovery { get; init; }

    /// <summary>The candidates the job evaluates: its episodes, or one for an agent with a single policy.</summary>
    public int CandidateCount() => SearchAgents.Find(Agent)?.SinglePolicy == true ? 1 : Episodes;

    public JobSummary Summary() => new(Model, Dataset, CandidateCount(), Constraint.Limit);
}

/// <summary>
/// A constraint as resolved: the metric, the target that gives it (latency and energy), the ratio of the reference
/// cost it was given as, and the absolute limit (null: no constraint).
/// </summary>
public sealed record CostLimit(string Metric, string? Target, double? Ratio, double? Limit);
