using AutoDesign.Search.Jobs;

namespace AutoDesign.Silo.Jobs;

/// <summary>A job as the API and the dashboard show it; <c>Silo</c> is the one running it, or that ran it last.</summary>
public sealed record JobView(
    Guid Id,
    string Kind,
    string Model,
    string Dataset,
    string Agent,
    string Status,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    JobProgress Progress,
    double? BestAccuracy,
    double? BudgetLimit,
    string? Error,
    string? Silo,
    JobSpec Spec,
    JobOutcome? Result);

public sealed record JobProgress(int Candidates, int Episodes);

/// <summary>What a completed job found: the base model, the constraint, the best candidate (tested and saved) and the front.</summary>
public sealed record JobOutcome(
    BaseMetrics Base,
    ConstraintResult Constraint,
    BestResult Best,
    IReadOnlyList<ParetoPoint> Pareto,
    int Evaluations,
    double EvaluationsPerSecond,
    double Seconds);

/// <summary>One page of a longer list.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Offset, int Limit, int Total);
