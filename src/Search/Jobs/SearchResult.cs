namespace AutoDesign.Search.Jobs;

/// <summary>One prunable channel group's decision: its first layer, the layers tied to it, and what it keeps.</summary>
public sealed record LayerKeep(string Layer, double KeepRatio, int Channels, int Of, IReadOnlyList<string> TiedLayers);

/// <summary>An evaluated candidate; every figure is measured on the pruned network rebuilt from its spec.</summary>
/// <param name="Accuracy">Top-1 accuracy on the job's validation images (what the reward is computed from).</param>
/// <param name="ConstrainedValue">The constrained metric of this network, in the unit of <c>budgetLimit</c>.</param>
public sealed record CandidateResult(
    int Index,
    double Accuracy,
    long Flops,
    long Params,
    double ConstrainedValue,
    double Reward,
    IReadOnlyList<LayerKeep> Policy);

public sealed record BaseMetrics(string Model, string Dataset, string SavedModel, double Accuracy, double? TestAccuracy, long Flops, long Params);

/// <summary>The best candidate, with its test accuracy measured on the saved pruned network.</summary>
public sealed record BestResult(
    int Index,
    double Accuracy,
    long Flops,
    long Params,
    double ConstrainedValue,
    IReadOnlyList<LayerKeep> Policy,
    double TestAccuracy,
    int FineTuneEpochs,
    double? FineTunedTestAccuracy,
    string SavedModel);

public sealed record ParetoPoint(int Index, double Accuracy, long Flops, long Params);

/// <summary>The constrained metric; for latency and energy, the target and where its figures come from (measured, analytic...).</summary>
public sealed record ConstraintResult(string Metric, string Unit, string? Target, string? TargetKind, double? Ratio);

/// <summary>What <c>autodesign run</c> writes: the spec, the base model, the budget, the best, the Pareto front and every candidate.</summary>
public sealed record SearchResult(
    JobSpec Spec,
    BaseMetrics Base,
    ConstraintResult Constraint,
    double? BudgetLimit,
    BestResult Best,
    IReadOnlyList<ParetoPoint> Pareto,
    IReadOnlyList<CandidateResult> Candidates,
    int Evaluations,
    double EvaluationsPerSecond,
    double Seconds);

/// <summary>Progress after each candidate.</summary>
public sealed record SearchProgress(int Episode, int Episodes, double BestAccuracy, double LastAccuracy, double LastCost, double? BudgetLimit);
