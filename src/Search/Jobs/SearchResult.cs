using System.Text.Json.Serialization;

namespace AutoDesign.Search.Jobs;

/// <summary>What a job found: the base model, the budget, the best, the Pareto front and every candidate; <c>autodesign run</c> writes it with the spec.</summary>
/// <param name="Evaluations">Distinct candidates evaluated for real.</param>
/// <param name="Predictor">In a predictor-guided search, what its predictor was fitted on.</param>
/// <param name="Predicted">In a predictor-guided search, the distinct sub-networks the predictor scored (the candidates are the confirmed ones).</param>
public sealed record SearchResult(
    BaseMetrics Base,
    ConstraintResult Constraint,
    double? BudgetLimit,
    BestResult Best,
    IReadOnlyList<ParetoPoint> Pareto,
    IReadOnlyList<CandidateResult> Candidates,
    int Evaluations,
    double EvaluationsPerSecond,
    double Seconds,
    int? Predicted = null,
    PredictorReport? Predictor = null)
{
    /// <summary>The spec the job was submitted with.</summary>
    [JsonPropertyOrder(-1)]
    public JobSpec? Spec { get; init; }
}

/// <summary>Progress after each candidate, with that candidate.</summary>
public sealed record SearchProgress(int Episode, int Episodes, double BestAccuracy, double LastAccuracy, double LastCost, double? BudgetLimit, CandidateResult Candidate);
