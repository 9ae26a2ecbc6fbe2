using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Search.Pruning;

namespace AutoDesign.Search.Jobs;

/// <summary>A job spec checked field by field, with what it names resolved (nothing is fetched or trained).</summary>
public sealed record ValidJob(
    JobSpec Spec,
    DatasetInfo Dataset,
    ModelSpec Model,
    CostMetric Metric,
    double? BudgetLimit,
    int Episodes,
    int WarmupEpisodes,
    PruningSettings Pruning)
{
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
    public static readonly IReadOnlyList<string> Kinds = ["prune"];
    public static readonly IReadOnlyList<string> Agents = ["ddpg", "uniform", "random"];
    public static readonly IReadOnlyList<string> Metrics = ["flops", "params", "latency", "energy"];
    public const int MaxEpisodes = 100_000;

    /// <param name="folder">Where look-up tables and predictors named by a latency constraint live (default: the default data folder).</param>
    public static ValidJob Check(JobSpec spec, Modeling.DataFolder? folder = null)
    {
        var errors = new List<FieldError>();
        void Fail(string field, string reason) => errors.Add(new FieldError(field, reason));

        if (string.IsNullOrWhiteSpace(spec.Kind)) Fail("kind", $"is required: one of {string.Join(", ", Kinds)}");
        else if (!Kinds.Contains(spec.Kind)) Fail("kind", $"'{spec.Kind}' is not supported: this version runs {string.Join(", ", Kinds)}");
        if (string.IsNullOrWhiteSpace(spec.Agent)) Fail("agent", $"is required: one of {string.Join(", ", Agents)}");
        else if (!Agents.Contains(spec.Agent)) Fail("agent", $"'{spec.Agent}' is unknown: use {string.Join(", ", Agents)}");

        DatasetInfo? dataset = null;
        if (string.IsNullOrWhiteSpace(spec.Dataset)) Fail("dataset", "is required");
        else
        {
            try { dataset = DatasetCatalog.Resolve(spec.Dataset).Info; }
            catch (Exception e) when (e is DatasetException or DataFormatException) { Fail("dataset", e.Message); }
        }

        ModelSpec? model = null;
        if (string.IsNullOrWhiteSpace(spec.Model)) Fail("model", "is required");
        else if (dataset is not null)
        {
            try
            {
                model = BaseModels.ResolveSpec(spec.Model, dataset);
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

        var metric = CostMetric.Flops;
        double? limit = null;
        if (spec.Constraint is { } constraint)
        {
            bool known = true;
            if (constraint.Metric is null) { Fail("constraint.metric", $"is required: one of {string.Join(", ", Metrics)}"); known = false; }
            else if (!Metrics.Contains(constraint.Metric)) { Fail("constraint.metric", $"'{constraint.Metric}' is unknown: use {string.Join(", ", Metrics)}"); known = false; }
            else if (constraint.Metric is "latency" or "energy")
            {
                if (string.IsNullOrWhiteSpace(constraint.Target)) { Fail("constraint.target", $"is required for {constraint.Metric}: one of {string.Join(", ", HardwareTargets.NamesIn(folder ?? Modeling.DataFolder.Default()))}"); known = false; }
                else
                {
                    try
                    {
                        var target = HardwareTargets.Resolve(constraint.Target, folder);
                        metric = constraint.Metric == "latency" ? CostMetric.Latency(target) : CostMetric.Energy(target);
                    }
                    catch (ArgumentException e) { Fail("constraint.target", e.Message); known = false; }
                }
            }
            else
            {
                metric = constraint.Metric == "params" ? CostMetric.Params : CostMetric.Flops;
                if (constraint.Target is not null) Fail("constraint.target", $"applies to latency and energy, not to {constraint.Metric}");
            }

            if (constraint.Ratio is null == constraint.Max is null) Fail("constraint", "give exactly one of 'ratio' (of the base model's cost) or 'max' (absolute)");
            else if (constraint.Ratio is { } ratio && !(ratio > 0 && ratio <= 1)) Fail("constraint.ratio", $"must be in (0, 1], got {ratio}");
            else if (constraint.Max is { } max && !(max > 0 && double.IsFinite(max))) Fail("constraint.max", $"must be positive, got {max}");
            else if (model is not null && known)
            {
                try { limit = constraint.Ratio is { } r ? r * metric.Of(model) : constraint.Max; }
                catch (ArgumentException e) { Fail("constraint.target", e.Message); }
            }
        }

        int episodes = spec.Budget?.Episodes ?? 0;
        if (spec.Budget?.Episodes is null) Fail("budget.episodes", "is required");
        else if (episodes is < 1 or > MaxEpisodes) Fail("budget.episodes", $"must be between 1 and {MaxEpisodes:N0}, got {episodes}");
        int warmup = spec.Budget?.WarmupEpisodes ?? Math.Min(20, episodes / 4);
        if (warmup < 0) Fail("budget.warmupEpisodes", $"must not be negative, got {warmup}");
        else if (spec.Agent == "ddpg" && episodes > 0 && warmup >= episodes) Fail("budget.warmupEpisodes", $"must be below budget.episodes ({episodes}), got {warmup}");

        var pruning = spec.Pruning ?? new PruningSettings();
        if (pruning.LowerBound is <= 0 or > 1) Fail("pruning.lowerBound", $"must be in (0, 1], got {pruning.LowerBound}");
        if (pruning.ChannelMultiple is < 1 or > 64) Fail("pruning.channelMultiple", $"must be between 1 and 64, got {pruning.ChannelMultiple}");
        if (pruning.ValidationImages is < 100 or > 100_000) Fail("pruning.validationImages", $"must be between 100 and 100,000, got {pruning.ValidationImages}");
        if (pruning.BatchNormImages is < 0 or > 50_000) Fail("pruning.batchNormImages", $"must be between 0 and 50,000, got {pruning.BatchNormImages}");
        if (pruning.FineTuneEpochs is < 0 or > 1000) Fail("pruning.fineTuneEpochs", $"must be between 0 and 1000, got {pruning.FineTuneEpochs}");

        if (spec.Ddpg?.InitialNoise is < 0 or > 1) Fail("ddpg.initialNoise", $"must be in [0, 1], got {spec.Ddpg.InitialNoise}");
        if (spec.Ddpg?.NoiseDecay is <= 0 or > 1) Fail("ddpg.noiseDecay", $"must be in (0, 1], got {spec.Ddpg.NoiseDecay}");
        if (spec.Training?.Epochs is < 1 or > 1000) Fail("training.epochs", $"must be between 1 and 1000, got {spec.Training.Epochs}");
        if (spec.Training?.TrainLimit is < 0) Fail("training.trainLimit", $"must not be negative, got {spec.Training.TrainLimit}");

        if (errors.Count == 0 && model is not null && limit is not null)
        {
            try { _ = new PruningSpace(model, pruning.LowerBound, pruning.ChannelMultiple, metric, limit); }
            catch (ArgumentException e) { Fail(spec.Constraint!.Ratio is null ? "constraint.max" : "constraint.ratio", e.Message); }
        }

        if (errors.Count > 0) throw new JobSpecException(errors);
        return new ValidJob(spec, dataset!, model!, metric, limit, episodes, warmup, pruning);
    }
}
