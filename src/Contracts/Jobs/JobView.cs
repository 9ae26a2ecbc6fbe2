using System.Text.Json.Nodes;

namespace AutoDesign.Contracts;

/// <summary>
/// A job as the API and the dashboard show it; <c>Spec</c> is the job spec as it was submitted; <c>Silo</c> is the one
/// running it, or that ran it last.
/// <c>BestAccuracy</c> is the most accurate candidate so far and <c>BestCost</c> its constrained cost;
/// <c>HasNetworks</c> says whether its candidates are networks (a benchmark table's are rows); <c>Trains</c>, whether
/// the job trains one network (its candidates are its epochs, each with the bytes its workers sent in its metrics).
/// </summary>
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
    double? BestCost,
    double? BudgetLimit,
    string? Error,
    string? Silo,
    JsonObject Spec,
    JobOutcome? Result,
    bool HasNetworks = true,
    bool Trains = false)
{
    public bool IsFinished => Status is "completed" or "failed" or "cancelled";
}

public sealed record JobProgress(int Candidates, int Episodes);

/// <summary>What a completed job found: the base model, the constraint, the best candidate (tested and saved) and the front.</summary>
/// <param name="Predicted">In a predictor-guided architecture search, the sub-networks the predictor scored.</param>
/// <param name="Predictor">In a predictor-guided search, what its predictor was fitted on.</param>
public sealed record JobOutcome(
    BaseMetrics Base,
    ConstraintResult Constraint,
    BestResult Best,
    IReadOnlyList<ParetoPoint> Pareto,
    int Evaluations,
    double EvaluationsPerSecond,
    double Seconds,
    int? Predicted = null,
    PredictorReport? Predictor = null);

/// <summary>
/// The accuracy predictor of a predictor-guided search: its model, the sub-networks measured at full precision it
/// was fitted on and, in a joint architecture and precision search, the sub-networks measured at their bits that
/// taught it what bits cost, starting from the full-precision predictor's weights when <paramref name="Transferred"/>.
/// </summary>
public sealed record PredictorReport(string Model, int Samples, int? QuantizedSamples = null, bool? Transferred = null);
