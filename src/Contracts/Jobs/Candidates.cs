namespace AutoDesign.Contracts;

/// <summary>
/// One decision of a policy. Pruning: a prunable channel group (its first layer, what it keeps of how many, the layers
/// tied to it). Quantization: a layer's weight and activation bits. Architecture search: a decision (in
/// <see cref="Layer"/>), the label of its choice and, for a numeric decision, its value. Fields that do not apply are left out.
/// </summary>
public sealed record PolicyEntry(
    string Layer,
    double? KeepRatio = null,
    int? Channels = null,
    int? Of = null,
    IReadOnlyList<string>? TiedLayers = null,
    int? WBits = null,
    int? ABits = null,
    string? Choice = null,
    double? Value = null);

/// <summary>An evaluated candidate; every figure is measured on the pruned network rebuilt from its spec.</summary>
/// <param name="Accuracy">Top-1 accuracy on the job's validation images (what the reward is computed from).</param>
/// <param name="ConstrainedValue">The constrained metric of this network, in the unit of <c>budgetLimit</c>.</param>
/// <param name="EvaluatedOn">The silo whose worker scored it, when the service spread the job's evaluations.</param>
public sealed record CandidateResult(
    int Index,
    double Accuracy,
    long Flops,
    long Params,
    double ConstrainedValue,
    double Reward,
    IReadOnlyList<PolicyEntry> Policy,
    IReadOnlyDictionary<string, double>? Metrics = null,
    string? EvaluatedOn = null);

public sealed record BaseMetrics(string Model, string Dataset, string SavedModel, double Accuracy, double? TestAccuracy, long Flops, long Params);

/// <summary>
/// The best candidate, with its test accuracy measured on its network as the search scored it. Flops and Params are
/// null where the job has no network to count (a table's rows: their columns are in Metrics). <see cref="Recovered"/>:
/// what recovery training made of it (the saved and exported network is then the recovered one).
/// <see cref="FineTuneEpochs"/> and <see cref="FineTunedTestAccuracy"/> are set only in results stored before recovery.
/// </summary>
public sealed record BestResult(
    int Index,
    double Accuracy,
    long? Flops,
    long? Params,
    double ConstrainedValue,
    IReadOnlyList<PolicyEntry> Policy,
    double TestAccuracy,
    int FineTuneEpochs,
    double? FineTunedTestAccuracy,
    string SavedModel,
    IReadOnlyDictionary<string, double>? Metrics = null,
    IReadOnlyDictionary<string, double>? Measured = null,
    RecoveryResult? Recovered = null);

/// <summary>
/// Recovery training of a job's best design (and of the most accurate other points of its front, when asked): epochs
/// of fine-tuning at <see cref="LearningRate"/> with <see cref="Distillation"/> times the base model's soft labels in
/// the loss (quantized designs with quantization in the loop), and the test accuracy before and after.
/// </summary>
public sealed record RecoveryResult(
    int Epochs,
    double LearningRate,
    double Distillation,
    double TestAccuracyBefore,
    double TestAccuracy,
    double Seconds,
    IReadOnlyList<RecoveredPoint>? Front = null);

/// <summary>A front point's test accuracy before and after the same recovery as the best design's.</summary>
public sealed record RecoveredPoint(int Index, double TestAccuracyBefore, double TestAccuracy);

public sealed record ParetoPoint(int Index, double Accuracy, long Flops, long Params, double ConstrainedValue);

/// <summary>The constrained metric; for latency and energy, the target and where its figures come from (measured, analytic...).</summary>
public sealed record ConstraintResult(string Metric, string Unit, string? Target, string? TargetKind, double? Ratio);
