using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Search.Pruning;
using AutoDesign.Search.Quantization;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// A job spec checked field by field, with what it names resolved (nothing is fetched or trained). Dataset, Model and
/// Metric are those of prune and quantize jobs; a nas job has <see cref="Nas"/> instead, and its
/// <see cref="Episodes"/> are its distinct evaluations.
/// </summary>
public sealed record ValidJob(
    JobSpec Spec,
    DatasetInfo? Dataset,
    ModelSpec? Model,
    CostMetric? Metric,
    double? BudgetLimit,
    int Episodes,
    int WarmupEpisodes,
    PruningSettings Pruning,
    QuantizationSettings Quantization,
    IReadOnlyList<IHardwareTarget> ReportTargets,
    ValidNas? Nas = null)
{
    public bool IsQuantization => Spec.Kind == "quantize";

    public int BatchSize => Spec.Budget?.Batch ?? 1;

    /// <summary>The base model's training options: the family's recipe with the spec's changes.</summary>
    public Modeling.Training.TrainingOptions BaseTraining
    {
        get
        {
            var recipe = Modeling.Training.TrainingOptions.RecipeFor(Spec.Model!);
            return recipe with
            {
                Epochs = Spec.Training?.Epochs ?? recipe.Epochs,
                TrainLimit = Spec.Training?.TrainLimit ?? recipe.TrainLimit,
            };
        }
    }
}

/// <summary>Checks a job spec and names every bad field and why; nothing runs on an invalid spec.</summary>
public static class JobSpecValidator
{
    public static readonly IReadOnlyList<string> Kinds = ["prune", "quantize", "nas"];
    public static readonly IReadOnlyList<string> PruningAgents = ["ddpg", "uniform", "random"];
    public static readonly IReadOnlyList<string> QuantizationAgents = ["ddpg", "fixed", "random"];
    public static readonly IReadOnlyList<string> PruningMetrics = ["flops", "params", "latency", "energy"];
    public static readonly IReadOnlyList<string> QuantizationMetrics = ["latency", "energy", "size"];
    public const int MaxEpisodes = 100_000;
    public const int MaxBatch = 256;

    /// <param name="folder">Where look-up tables and predictors named by a constraint live (default: the default data folder).</param>
    public static ValidJob Check(JobSpec spec, DataFolder? folder = null)
    {
        folder ??= DataFolder.Default();
        var errors = new List<FieldError>();
        void Fail(string field, string reason) => errors.Add(new FieldError(field, reason));

        if (string.IsNullOrWhiteSpace(spec.Kind)) Fail("kind", $"is required: one of {string.Join(", ", Kinds)}");
        else if (!Kinds.Contains(spec.Kind)) Fail("kind", $"'{spec.Kind}' is not supported: this version runs {string.Join(", ", Kinds)}");
        else if (spec.Kind == "nas") return CheckNas(spec, folder);
        foreach (var (given, field) in new (object?, string)[] { (spec.Space, "space"), (spec.Supernet, "supernet"), (spec.Evolution, "evolution"), (spec.Nsga2, "nsga2"), (spec.Budget?.Evaluations, "budget.evaluations") })
            if (given is not null) Fail(field, "applies to nas jobs");
        bool quantize = spec.Kind == "quantize";
        var agents = quantize ? QuantizationAgents : PruningAgents;
        var metrics = quantize ? QuantizationMetrics : PruningMetrics;
        if (string.IsNullOrWhiteSpace(spec.Agent)) Fail("agent", $"is required: one of {string.Join(", ", agents)}");
        else if (!agents.Contains(spec.Agent)) Fail("agent", $"'{spec.Agent}' is unknown for {spec.Kind}: use {string.Join(", ", agents)}");

        DatasetInfo? dataset = null;
        if (string.IsNullOrWhiteSpace(spec.Dataset)) Fail("dataset", "is required");
        else
        {
            try { dataset = DatasetCatalog.Resolve(spec.Dataset).Info; }
            catch (Exception e) when (e is DatasetException or DataFormatException) { Fail("dataset", e.Message); }
            if (dataset is { HasImages: false })
                Fail("dataset", $"'{spec.Dataset}' has no images to evaluate candidates on (it sizes models for profiling only)");
        }

        ModelSpec? model = null;
        if (string.IsNullOrWhiteSpace(spec.Model)) Fail("model", "is required");
        else if (dataset is not null)
        {
            try
            {
                model = BaseModels.ResolveSpec(spec.Model, dataset, folder);
                if (model.Input != dataset.Shape || model.Classes != dataset.Classes)
                {
                    Fail("model", $"takes {model.Input} inputs and {model.Classes} classes; {spec.Dataset} has {dataset.Shape} and {dataset.Classes}");
                    model = null;
                }
            }
            catch (Exception e) when (e is ArgumentException or ModelSpecException or FileNotFoundException)
            {
                Fail("model", e.Message);
            }
        }

        var (metric, limit) = CheckConstraint(spec, model, metrics, quantize, folder, Fail);

        int episodes = spec.Budget?.Episodes ?? 0;
        if (spec.Budget?.Episodes is null) Fail("budget.episodes", "is required");
        else if (episodes is < 1 or > MaxEpisodes) Fail("budget.episodes", $"must be between 1 and {MaxEpisodes:N0}, got {episodes}");
        int warmup = spec.Budget?.WarmupEpisodes ?? Math.Min(20, episodes / 4);
        if (warmup < 0) Fail("budget.warmupEpisodes", $"must not be negative, got {warmup}");
        else if (spec.Agent == "ddpg" && episodes > 0 && warmup >= episodes) Fail("budget.warmupEpisodes", $"must be below budget.episodes ({episodes}), got {warmup}");
        if (spec.Budget?.Batch is < 1 or > MaxBatch) Fail("budget.batch", $"must be between 1 and {MaxBatch}, got {spec.Budget.Batch}");
        if (spec.Ddpg?.InitialNoise is < 0 or > 1) Fail("ddpg.initialNoise", $"must be in [0, 1], got {spec.Ddpg.InitialNoise}");
        if (spec.Ddpg?.NoiseDecay is <= 0 or > 1) Fail("ddpg.noiseDecay", $"must be in (0, 1], got {spec.Ddpg.NoiseDecay}");
        if (spec.Training?.Epochs is < 1 or > 1000) Fail("training.epochs", $"must be between 1 and 1000, got {spec.Training.Epochs}");
        if (spec.Training?.TrainLimit is < 0) Fail("training.trainLimit", $"must not be negative, got {spec.Training.TrainLimit}");

        var pruning = spec.Pruning ?? new PruningSettings();
        var quantization = spec.Quantization ?? new QuantizationSettings();
        if (quantize && spec.Pruning is not null) Fail("pruning", "applies to prune jobs; use 'quantization'");
        if (!quantize && spec.Quantization is not null) Fail("quantization", "applies to quantize jobs; use 'pruning'");
        if (quantize) CheckQuantization(quantization, Fail);
        else CheckPruning(pruning, Fail);

        var reportTargets = new List<IHardwareTarget>();
        for (int i = 0; i < quantization.ReportTargets.Count; i++)
        {
            try { reportTargets.Add(HardwareTargets.Resolve(quantization.ReportTargets[i], folder)); }
            catch (ArgumentException e) { Fail($"quantization.reportTargets[{i}]", e.Message); }
        }

        if (errors.Count == 0 && model is not null && limit is not null)
        {
            string field = spec.Constraint!.Ratio is null ? "constraint.max" : "constraint.ratio";
            try
            {
                if (quantize) _ = new QuantizationSpace(model, p => metric.Of(model, p), limit, quantization.MinBits, quantization.MaxBits, quantization.KeepFirstAndLast);
                else _ = new PruningSpace(model, pruning.LowerBound, pruning.ChannelMultiple, metric, limit);
            }
            catch (ArgumentException e) { Fail(field, e.Message); }
        }

        if (errors.Count > 0) throw new JobSpecException(errors);
        return new ValidJob(spec, dataset!, model!, metric, limit, episodes, warmup, pruning, quantization, reportTargets);
    }

    private static ValidJob CheckNas(JobSpec spec, DataFolder folder)
    {
        var errors = new List<FieldError>();
        var nas = NasJobValidator.Check(spec, folder, (field, reason) => errors.Add(new FieldError(field, reason)));
        if (errors.Count > 0 || nas is null) throw new JobSpecException(errors);
        return new ValidJob(spec, null, null, null, nas.Limit, nas.Evaluations, 0, new PruningSettings(), new QuantizationSettings(), [], nas);
    }

    private static (CostMetric Metric, double? Limit) CheckConstraint(JobSpec spec, ModelSpec? model, IReadOnlyList<string> metrics,
        bool quantize, DataFolder folder, Action<string, string> fail)
    {
        var metric = quantize ? CostMetric.Size : CostMetric.Flops;
        if (spec.Constraint is not { } constraint)
        {
            if (quantize) fail("constraint", $"is required for quantize jobs: a {string.Join(", ", metrics)} budget");
            return (metric, null);
        }

        bool known = true;
        if (constraint.Metric is null) { fail("constraint.metric", $"is required: one of {string.Join(", ", metrics)}"); known = false; }
        else if (!metrics.Contains(constraint.Metric)) { fail("constraint.metric", $"'{constraint.Metric}' is unknown for {spec.Kind}: use {string.Join(", ", metrics)}"); known = false; }
        else if (constraint.Metric is "latency" or "energy")
        {
            if (string.IsNullOrWhiteSpace(constraint.Target)) { fail("constraint.target", $"is required for {constraint.Metric}: one of {string.Join(", ", HardwareTargets.NamesIn(folder))}"); known = false; }
            else
            {
                try
                {
                    var target = HardwareTargets.Resolve(constraint.Target, folder);
                    metric = constraint.Metric == "latency" ? CostMetric.Latency(target) : CostMetric.Energy(target);
                }
                catch (ArgumentException e) { fail("constraint.target", e.Message); known = false; }
            }
        }
        else
        {
            metric = constraint.Metric switch { "params" => CostMetric.Params, "size" => CostMetric.Size, _ => CostMetric.Flops };
            if (constraint.Target is not null) fail("constraint.target", $"applies to latency and energy, not to {constraint.Metric}");
        }

        if (constraint.Ratio is null == constraint.Max is null) { fail("constraint", "give exactly one of 'ratio' (of the base model's cost) or 'max' (absolute)"); return (metric, null); }
        if (constraint.Ratio is { } ratio && !(ratio > 0 && ratio <= 1)) { fail("constraint.ratio", $"must be in (0, 1], got {ratio}"); return (metric, null); }
        if (constraint.Max is { } max && !(max > 0 && double.IsFinite(max))) { fail("constraint.max", $"must be positive, got {max}"); return (metric, null); }
        if (model is null || !known) return (metric, null);
        try
        {
            // A quantization budget is relative to the W8A8 model, as in HAQ.
            double reference = metric.Of(model, quantize ? PrecisionPolicy.Uniform(8, 8) : null);
            return (metric, constraint.Ratio is { } r ? r * reference : constraint.Max);
        }
        catch (ArgumentException e)
        {
            fail("constraint.target", e.Message);
            return (metric, null);
        }
    }

    private static void CheckPruning(PruningSettings pruning, Action<string, string> fail)
    {
        if (pruning.LowerBound is <= 0 or > 1) fail("pruning.lowerBound", $"must be in (0, 1], got {pruning.LowerBound}");
        if (pruning.ChannelMultiple is < 1 or > 64) fail("pruning.channelMultiple", $"must be between 1 and 64, got {pruning.ChannelMultiple}");
        if (pruning.ValidationImages is < 100 or > 100_000) fail("pruning.validationImages", $"must be between 100 and 100,000, got {pruning.ValidationImages}");
        if (pruning.BatchNormImages is < 0 or > 50_000) fail("pruning.batchNormImages", $"must be between 0 and 50,000, got {pruning.BatchNormImages}");
        if (pruning.FineTuneEpochs is < 0 or > 1000) fail("pruning.fineTuneEpochs", $"must be between 0 and 1000, got {pruning.FineTuneEpochs}");
    }

    private static void CheckQuantization(QuantizationSettings q, Action<string, string> fail)
    {
        if (q.MinBits is < 1 or > 16) fail("quantization.minBits", $"must be between 1 and 16, got {q.MinBits}");
        if (q.MaxBits is < 1 or > 16) fail("quantization.maxBits", $"must be between 1 and 16, got {q.MaxBits}");
        else if (q.MaxBits < q.MinBits) fail("quantization.maxBits", $"must not be below minBits ({q.MinBits}), got {q.MaxBits}");
        if (q.CalibrationImages is < 16 or > 50_000) fail("quantization.calibrationImages", $"must be between 16 and 50,000, got {q.CalibrationImages}");
        if (q.FineTuneImages is < 0 or > 1_000_000) fail("quantization.fineTuneImages", $"must be between 0 and 1,000,000, got {q.FineTuneImages}");
        if (!(q.FineTuneLearningRate > 0 && q.FineTuneLearningRate < 1)) fail("quantization.fineTuneLearningRate", $"must be in (0, 1), got {q.FineTuneLearningRate}");
        if (q.ValidationImages is < 100 or > 100_000) fail("quantization.validationImages", $"must be between 100 and 100,000, got {q.ValidationImages}");
    }
}
