using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Distributed;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Train;

/// <summary>
/// Data-parallel training as a job (see <see cref="TrainSpec"/>): each epoch is recorded as it ends (its validation
/// accuracy, what the workers sent and what dense would have, the time in the exchange), the run resumes from its
/// per-epoch checkpoints after a stop, and the trained network is tested and saved as the job's best.
/// </summary>
public sealed class TrainKind : JobKind<TrainSpec, TrainPlan>
{
    public const int MaxWorkers = 64;

    /// <summary>The most a round of the exchange may carry (Orleans refuses messages over 100 MB, and closes the connection).</summary>
    public const long MaxRoundBytes = 64L << 20;

    /// <summary>The most an emulated link may take for one round, so that a stop or a cancel is not kept waiting.</summary>
    public static readonly TimeSpan MaxRoundTransfer = TimeSpan.FromMinutes(1);

    public override string Name => "train";

    public override string Title => "train (data-parallel, Deep Gradient Compression)";

    public override string Description => "Trains a model over several silos, each on its shard of every batch, exchanging gradients dense or compressed by DGC.";

    public override string Unconstrained => "no constraint: every epoch is recorded with the bytes it sent";

    /// <summary>The exchanges: Deep Gradient Compression, and dense (every gradient in full) as its baseline.</summary>
    public override IReadOnlyList<string> Agents { get; } = ["dgc", "dense"];

    public override IReadOnlyList<FormField> Form { get; } = TrainForm.Fields;

    public override bool Trains => true;

    protected override TrainPlan Plan(TrainSpec spec, DataFolder folder)
    {
        var errors = new SpecErrors();
        var (dataset, model) = ModelJobChecks.CheckAgentDataAndModel(spec.Agent, spec.Dataset, spec.Model, this, folder, errors);
        int workers = spec.Workers ?? 1;
        if (workers is < 1 or > MaxWorkers) errors.Add("workers", $"must be between 1 and {MaxWorkers}, got {workers}");
        var settings = spec.Training ?? new TrainSettings();
        if (settings.Epochs is < 1 or > 1000) errors.Add("training.epochs", $"must be between 1 and 1000, got {settings.Epochs}");
        if (settings.BatchSize is < 1 or > 4096) errors.Add("training.batchSize", $"must be between 1 and 4096, got {settings.BatchSize}");
        if (settings.LearningRate is { } rate && !(rate > 0 && rate <= 10)) errors.Add("training.learningRate", $"must be in (0, 10], got {rate}");
        if (settings.TrainLimit is < 0) errors.Add("training.trainLimit", $"must not be negative, got {settings.TrainLimit}");

        var compression = GradientCompression.Dense;
        if (spec.Agent == "dgc") compression = spec.Compression ?? new GradientCompression();
        else if (spec.Compression is not null) errors.Add("compression", "applies to agent dgc (the dense exchange sends every gradient)");
        if (spec.Agent == "dgc" && compression.Density == 1) errors.Add("compression.density", "must be below 1 for dgc (a density of 1 is the dense agent)");
        else if (compression.Problem() is { } problem) errors.Add($"compression.{problem[..problem.IndexOf(':')]}", problem[(problem.IndexOf(':') + 2)..]);

        double bitsPerSecond = spec.Link?.BitsPerSecond ?? 0, latencyMs = spec.Link?.LatencyMs ?? 0;
        if (spec.Link is not null && !(bitsPerSecond is >= 1e3 and <= 1e13)) errors.Add("link.bitsPerSecond", $"must be between 1e3 and 1e13, got {spec.Link.BitsPerSecond?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
        if (!(latencyMs is >= 0 and <= 10_000)) errors.Add("link.latencyMs", $"must be between 0 and 10000, got {latencyMs}");

        errors.ThrowIfAny(); // a model or data set that did not resolve has its error
        var recipe = TrainingOptions.RecipeFor(spec.Model!, model!.Input).WithSgd();
        var options = recipe with
        {
            Epochs = settings.Epochs ?? recipe.Epochs,
            BatchSize = settings.BatchSize ?? recipe.BatchSize,
            LearningRate = settings.LearningRate ?? recipe.LearningRate,
            TrainLimit = settings.TrainLimit ?? recipe.TrainLimit,
            Augment = settings.Augment ?? recipe.Augment,
            Seed = spec.Seed,
        };
        if (options.BatchSize < workers) errors.Add("training.batchSize", $"must be at least the {workers} workers (each trains on a shard of every batch), got {options.BatchSize}");
        var analysis = model.Analyze();
        if (folder.Access.ModelLimits.TrainingTooLarge(analysis, options.BatchSize) is { } tooLarge) errors.Add("model", tooLarge);
        // A round carries every worker's message: dense, 4 bytes a value; sparse, about 8 (position and value) at the first epoch's density.
        double round = workers * 4.0 * analysis.Params * Math.Min(1, 2 * compression.DensityAt(0));
        if (round > MaxRoundBytes)
            errors.Add("workers", $"{workers} workers' messages would make rounds of {round / 1e6:F0} MB, over the exchange's {MaxRoundBytes / 1e6:F0} MB; use fewer workers or dgc");
        if (8.0 * analysis.Params > MaxRoundBytes) // the opening round sends the weights and the momentum
            errors.Add("model", $"has {analysis.Params:N0} parameters: its state would not fit one round of the exchange ({MaxRoundBytes / 1e6:F0} MB)");
        else if (bitsPerSecond > 0 && EmulatedLink.TransferTime((long)round, bitsPerSecond, TimeSpan.FromMilliseconds(latencyMs)) > MaxRoundTransfer)
            errors.Add("link.bitsPerSecond", $"would take {EmulatedLink.TransferTime((long)round, bitsPerSecond, TimeSpan.FromMilliseconds(latencyMs)).TotalSeconds:F0} s a round " +
                                             $"({round / 1e6:F1} MB at {bitsPerSecond:G3} bit/s), over {MaxRoundTransfer.TotalSeconds:F0} s");
        errors.ThrowIfAny();
        return new TrainPlan
        {
            Agent = spec.Agent!,
            Seed = spec.Seed,
            Model = spec.Model!,
            Spec = model,
            Dataset = spec.Dataset!,
            Options = options,
            Workers = workers,
            Compression = compression,
            LinkBitsPerSecond = bitsPerSecond,
            LinkLatencyMs = latencyMs,
        };
    }

    protected override JobSummary Summarize(TrainPlan plan) =>
        new(plan.Model, plan.Dataset, plan.Options.Epochs, null, Step: "epoch", CostUnit: "B/step");

    protected override Task<SearchResult> RunAsync(TrainPlan plan, JobContext context) => new TrainingRun(plan, context).RunAsync();

    protected override ICandidateScorer CreateScorer(TrainPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) =>
        throw new InvalidOperationException("a training job's epochs are scored by its own workers, not by the evaluation pool");

    /// <summary>Every epoch is the job's one network at a later point of its training.</summary>
    protected override CandidateNetwork NetworkOf(TrainPlan plan, CandidateResult candidate, DataFolder folder) => new(plan.Spec, null);
}
