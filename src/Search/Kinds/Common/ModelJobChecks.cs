using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Recovery;

namespace AutoDesign.Search.Kinds.Common;

/// <summary>What the checks every model job shares resolved: the network, its data set, the metric and limit, episodes and recipe.</summary>
public sealed record CheckedModelJob(DatasetInfo Dataset, ModelSpec Model, CostMetric Metric, CostLimit Constraint, int Episodes, int WarmupEpisodes,
    TrainingOptions BaseTraining, double InitialNoise, double NoiseDecay, RecoveryPlan? Recovery);

/// <summary>
/// The checks of the fields every model job has (agent, data set, model, constraint, budget, DDPG's settings, the
/// base model's training); the kind adds those of its own section and whether its space can meet the budget.
/// </summary>
public static class ModelJobChecks
{
    public const int MaxEpisodes = 100_000;
    public const int MaxBatch = 256;

    /// <summary>
    /// The kind's rules: the metrics it takes, the one it uses without a constraint, the precision a ratio's reference
    /// cost is at, and DDPG's defaults from the kind's paper (noise decay per episode, warm-up episodes).
    /// </summary>
    public sealed record ConstraintRules(IReadOnlyList<string> Metrics, CostMetric Unconstrained, bool Required, PrecisionPolicy? Reference,
        double DefaultNoiseDecay, int PaperWarmupEpisodes)
    {
        /// <summary>The paper's warm-up, but never more than half the episodes, so that a small budget still leaves the agent half of them.</summary>
        public int DefaultWarmup(int episodes) => Math.Min(PaperWarmupEpisodes, episodes / 2);
    }

    /// <param name="languageModels">Whether the kind scores language models on text corpora too.</param>
    /// <param name="videoModels">Whether the kind scores next-frame models on video sets too.</param>
    /// <param name="recovers">Whether the kind recovers its best design (its <c>recovery</c> section; video models are not recovered).</param>
    /// <returns>What was resolved, or null when a problem was recorded.</returns>
    public static CheckedModelJob? Check(ModelJobSpec spec, IJobKind kind, ConstraintRules rules, DataFolder folder, SpecErrors errors, bool languageModels = false,
        bool videoModels = false, bool recovers = false)
    {
        int before = errors.Count;
        var (dataset, model) = CheckAgentDataAndModel(spec.Agent, spec.Dataset, spec.Model, kind, folder, errors, languageModels, videoModels);

        var (metric, constraint) = CheckConstraint(spec, model, rules, folder, errors);

        int episodes = spec.Budget?.Episodes ?? 0;
        if (spec.Budget?.Episodes is null) errors.Add("budget.episodes", "is required");
        else if (episodes is < 1 or > MaxEpisodes) errors.Add("budget.episodes", $"must be between 1 and {MaxEpisodes:N0}, got {episodes}");
        int warmup = spec.Budget?.WarmupEpisodes ?? rules.DefaultWarmup(episodes);
        if (warmup < 0) errors.Add("budget.warmupEpisodes", $"must not be negative, got {warmup}");
        else if (spec.Agent == "ddpg" && episodes > 0 && warmup >= episodes) errors.Add("budget.warmupEpisodes", $"must be below budget.episodes ({episodes}), got {warmup}");
        if (spec.Budget?.Batch is < 1 or > MaxBatch) errors.Add("budget.batch", $"must be between 1 and {MaxBatch}, got {spec.Budget.Batch}");
        double noise = spec.Ddpg?.InitialNoise ?? 0.5, decay = spec.Ddpg?.NoiseDecay ?? rules.DefaultNoiseDecay;
        if (noise is < 0 or > 1 || double.IsNaN(noise)) errors.Add("ddpg.initialNoise", $"must be in [0, 1], got {noise}");
        if (decay is <= 0 or > 1 || double.IsNaN(decay)) errors.Add("ddpg.noiseDecay", $"must be in (0, 1], got {decay}");
        if (spec.Training?.Epochs is < 1 or > 1000) errors.Add("training.epochs", $"must be between 1 and 1000, got {spec.Training.Epochs}");
        if (spec.Training?.TrainLimit is < 0) errors.Add("training.trainLimit", $"must not be negative, got {spec.Training.TrainLimit}");
        bool stepped = dataset is null || dataset.Shape.IsTokens || dataset.Shape.IsVideo; // an epoch of steps, not of a set's images
        if (spec.Training?.StepsPerEpoch is { } steps && (steps is < 1 or > 1_000_000 || !stepped))
            errors.Add("training.stepsPerEpoch", !stepped ? "applies to language and video models (an image model's epoch is its training images)" : $"must be between 1 and 1,000,000, got {steps}");
        if (spec.Recovery is not null && !recovers) errors.Add("recovery", $"{kind.Name} jobs do not recover their designs yet");
        else if (spec.Recovery is not null && dataset is { Shape.IsVideo: true }) errors.Add("recovery", "video models are not recovered yet");
        else if (spec.Recovery?.Images is not null && dataset is { Shape.IsTokens: true })
            errors.Add("recovery.images", "applies to image models: a language model's epoch is its recipe's steps of random windows");

        if (errors.Count > before || dataset is null || model is null || constraint is null) return null;
        var recipe = TrainingOptions.RecipeFor(spec.Model!, model.Input);
        var training = recipe with
        {
            Epochs = spec.Training?.Epochs ?? recipe.Epochs,
            TrainLimit = spec.Training?.TrainLimit ?? recipe.TrainLimit,
            StepsPerEpoch = spec.Training?.StepsPerEpoch ?? recipe.StepsPerEpoch,
        };
        var recovery = recovers && !model.Input.IsVideo ? RecoveryPlan.Resolve(spec.Recovery, training, errors) : null;
        if (errors.Count > before) return null;
        // A model given with its weights is not trained: only a model still to train must fit the training memory.
        if (!BaseModels.IsTrained(spec.Model!, folder) && folder.Access.ModelLimits.TrainingTooLarge(model.Analyze(), training.BatchSize) is { } tooLarge)
        {
            errors.Add("model", tooLarge);
            return null;
        }
        return new CheckedModelJob(dataset, model, metric, constraint, episodes, warmup, training, noise, decay, recovery);
    }

    /// <summary>
    /// The checks of the agent (one of the kind's), the data set (known, of images unless the kind scores language or
    /// video models) and the model (resolved for the data set, and of its shape): the data set and network, or nulls
    /// where a problem was recorded.
    /// </summary>
    public static (DatasetInfo? Dataset, ModelSpec? Model) CheckAgentDataAndModel(string? agent, string? datasetName, string? modelName, IJobKind kind,
        DataFolder folder, SpecErrors errors, bool languageModels = false, bool videoModels = false)
    {
        if (string.IsNullOrWhiteSpace(agent)) errors.Add("agent", $"is required: one of {string.Join(", ", kind.Agents)}");
        else if (!kind.Agents.Contains(agent)) errors.Add("agent", $"'{agent}' is unknown for {kind.Name}: use {string.Join(", ", kind.Agents)}");

        DatasetInfo? dataset = null;
        if (string.IsNullOrWhiteSpace(datasetName)) errors.Add("dataset", "is required");
        else
        {
            try { dataset = DatasetCatalog.InfoOf(datasetName, folder); }
            catch (DatasetException e) { errors.Add("dataset", e.Message); }
            if (dataset is { Shape.IsVideo: true } && !videoModels)
                errors.Add("dataset", $"'{datasetName}' is a video set: {kind.Name} jobs score image classifiers (a video model's attention heads are chosen by heads jobs)");
            else if (dataset is { Shape.IsTokens: true } && !languageModels)
                errors.Add("dataset", $"'{datasetName}' is a text corpus: {kind.Name} jobs score image classifiers (language models are pruned by prune jobs and served by formats jobs)");
            else if (dataset is { HasImages: false, Shape.IsTokens: false })
                errors.Add("dataset", $"'{datasetName}' has no images to evaluate candidates on (it sizes models for profiling only)");
        }

        ModelSpec? model = null;
        if (string.IsNullOrWhiteSpace(modelName)) errors.Add("model", "is required");
        else if (dataset is not null)
        {
            try
            {
                model = BaseModels.ResolveSpec(modelName, dataset, folder);
                if (model.Input != dataset.Shape || model.Classes != dataset.Classes)
                {
                    errors.Add("model", $"takes {model.Input} inputs and {model.Classes} classes; {datasetName} has {dataset.Shape} and {dataset.Classes}");
                    model = null;
                }
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException)
            {
                errors.Add("model", e.Message);
            }
        }
        return (dataset, model);
    }

    /// <summary>The field a constraint's limit was given in, for problems with the limit itself.</summary>
    public static string LimitField(ConstraintSpec? constraint) => constraint?.Ratio is null ? "constraint.max" : "constraint.ratio";

    private static (CostMetric Metric, CostLimit? Limit) CheckConstraint(ModelJobSpec spec, ModelSpec? model, ConstraintRules rules, DataFolder folder, SpecErrors errors)
    {
        var metric = rules.Unconstrained;
        if (spec.Constraint is not { } constraint)
        {
            if (rules.Required) errors.Add("constraint", $"is required for {spec.Kind} jobs: a {string.Join(", ", rules.Metrics)} budget");
            return (metric, new CostLimit(metric.Name, null, null, null));
        }

        bool known = true;
        if (constraint.Metric is null) { errors.Add("constraint.metric", $"is required: one of {string.Join(", ", rules.Metrics)}"); known = false; }
        else if (!rules.Metrics.Contains(constraint.Metric)) { errors.Add("constraint.metric", $"'{constraint.Metric}' is unknown for {spec.Kind}: use {string.Join(", ", rules.Metrics)}"); known = false; }
        else if (constraint.Metric is "latency" or "energy")
        {
            if (string.IsNullOrWhiteSpace(constraint.Target)) { errors.Add("constraint.target", $"is required for {constraint.Metric}: one of {string.Join(", ", HardwareTargets.NamesIn(folder))}"); known = false; }
            else if (errors.Try("constraint.target", () => CostMetric.Named(constraint.Metric, constraint.Target, folder)) is { } onTarget) metric = onTarget;
            else known = false;
        }
        else
        {
            metric = CostMetric.Named(constraint.Metric, null, folder);
            if (constraint.Target is not null) errors.Add("constraint.target", $"applies to latency and energy, not to {constraint.Metric}");
        }

        if (constraint.Ratio is null == constraint.Max is null) { errors.Add("constraint", "give exactly one of 'ratio' (of the base model's cost) or 'max' (absolute)"); return (metric, null); }
        if (constraint.Ratio is { } ratio && !(ratio > 0 && ratio <= 1)) { errors.Add("constraint.ratio", $"must be in (0, 1], got {ratio}"); return (metric, null); }
        if (constraint.Max is { } max && !(max > 0 && double.IsFinite(max))) { errors.Add("constraint.max", $"must be positive, got {max}"); return (metric, null); }
        if (model is null || !known) return (metric, null);
        try
        {
            double? limit = constraint.Ratio is { } r ? r * metric.Of(model, rules.Reference) : constraint.Max;
            return (metric, new CostLimit(metric.Name, metric is CostMetric.OnTarget ? constraint.Target : null, constraint.Ratio, limit));
        }
        catch (ArgumentException e)
        {
            errors.Add("constraint.target", e.Message);
            return (metric, null);
        }
    }
}
