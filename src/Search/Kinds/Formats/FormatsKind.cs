using System.Diagnostics;
using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.HardwareProfiler.Serving;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Specs;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Pareto;
using AutoDesign.Search.Quantization;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Formats;

/// <summary>
/// HAQ for transformers: the agent walks the projections and attention layers of a trained transformer, choosing a
/// serving format for each projection (FP16, W8A8, W4A16, W4A8, W4A4 and their methods, SVDQuant ranks among them)
/// and a KV cache format for each attention layer, under a memory or decode-latency budget; candidates are scored
/// after calibration (see <see cref="FormatsScorer"/>); the best is tested on the test split.
/// </summary>
public sealed class FormatsKind : JobKind<FormatsSpec, FormatsPlan>
{
    // The constraint is checked here (memory or latency on a serving GPU); the shared checks see no constraint.
    private static readonly ModelJobChecks.ConstraintRules Rules = new(ServingCost.Metrics, CostMetric.Size, Required: false,
        Reference: null, DefaultNoiseDecay: 0.99, PaperWarmupEpisodes: 20);

    public override string Name => "formats";

    public override string Title => "formats (HAQ for transformers: a serving format per layer)";

    public override string Description =>
        "The serving format of each projection (W8A8, W4A16, W4A8, W4A4, SVDQuant) and KV cache of a trained transformer, under a memory or decode-latency budget relative to W8A8 with an 8-bit cache.";

    public override IReadOnlyList<string> Agents { get; } = ["ddpg", "fixed", "random"];

    // Latency is modelled on a serving GPU, so the target field offers those rather than the hardware targets.
    public override IReadOnlyList<FormField> Form { get; } =
    [
        .. ModelJobForm.Fields(Rules, ServingCost.Memory, null,
        [
            new("serving.formats", "formats to choose from (comma-separated)", "Serving", "list", Default: string.Join(",", new ServingSettings().Formats)),
            new("serving.caches", "KV cache formats (comma-separated)", "Serving", "list", Default: string.Join(",", new ServingSettings().Caches)),
            new("serving.context", "context (tokens)", "Serving", "integer", Default: "1024"),
            new("serving.batch", "sequences served together", "Serving", "integer", Default: "1"),
        ]).Select(field => field.Path switch
        {
            "model" => field with { Default = "gpt" },
            "dataset" => field with { Default = "sotu" },
            "constraint.target" => field with { ChoicesFrom = null, Choices = [.. ServingGpu.PresetNames.Select(gpu => new FormChoice(gpu, gpu))], Default = "serving-a100" },
            _ => field,
        }),
    ];

    protected override FormatsPlan Plan(FormatsSpec spec, DataFolder folder)
    {
        var errors = new SpecErrors();
        var job = ModelJobChecks.Check(spec with { Constraint = null }, this, Rules, folder, errors, languageModels: true);
        var serving = spec.Serving ?? new ServingSettings();
        foreach (var (field, reason) in serving.Problems()) errors.Add($"serving.{field}", reason);
        if (job is not null && errors.Count == 0) CheckFormatsFit(job.Model, serving, errors);
        var constraint = CheckConstraint(spec.Constraint, job?.Model, serving, errors);
        if (job is not null && constraint is not null && errors.Count == 0)
            errors.Try(ModelJobChecks.LimitField(spec.Constraint), () => Space(job.Model, new ServingCost(job.Model, constraint.Metric, constraint.Target, serving.Context, serving.Batch), constraint.Limit, serving));
        errors.ThrowIfAny();
        return new FormatsPlan
        {
            Agent = spec.Agent!,
            Seed = spec.Seed,
            Batch = spec.Budget?.Batch ?? 1,
            Model = spec.Model!,
            BaseSpec = job!.Model,
            Dataset = spec.Dataset!,
            BaseTraining = job.BaseTraining,
            Constraint = constraint!,
            Episodes = job.Episodes,
            WarmupEpisodes = job.WarmupEpisodes,
            InitialNoise = job.InitialNoise,
            NoiseDecay = job.NoiseDecay,
            Serving = serving,
        };
    }

    // A format that fits none of the model's projections (its group divides no layer, its rank exceeds every layer) is
    // named; a layer that none of the formats fits names the list.
    private static void CheckFormatsFit(ModelSpec model, ServingSettings serving, SpecErrors errors)
    {
        var analysis = model.Analyze();
        var layers = FormatPolicy.QuantizableProjections(model).Select(name => analysis[name]).ToList();
        var formats = serving.ParsedFormats;
        for (int i = 0; i < formats.Count; i++)
            if (layers.All(layer => formats[i].Misfit(layer.OutChannels, layer.InChannels) is not null))
                errors.Add($"serving.formats[{i}]", $"fits no projection of {model.Name}: {formats[i].Misfit(layers[0].OutChannels, layers[0].InChannels)}");
        if (layers.FirstOrDefault(layer => formats.All(f => f.Misfit(layer.OutChannels, layer.InChannels) is not null)) is { } stranded)
            errors.Add("serving.formats", $"no format offered fits layer '{stranded.Name}' ({stranded.OutChannels} x {stranded.InChannels})");
    }

    private static CostLimit? CheckConstraint(ConstraintSpec? constraint, ModelSpec? model, ServingSettings serving, SpecErrors errors)
    {
        if (constraint is null)
        {
            errors.Add("constraint", $"is required for formats jobs: a {string.Join(" or ", ServingCost.Metrics)} budget");
            return null;
        }
        int before = errors.Count;
        if (constraint.Metric is null || !ServingCost.Metrics.Contains(constraint.Metric))
            errors.Add("constraint.metric", $"{(constraint.Metric is null ? "is required" : $"'{constraint.Metric}' is unknown for formats")}: use {string.Join(" or ", ServingCost.Metrics)}");
        else if (constraint.Metric == ServingCost.Latency && !ServingGpu.PresetNames.Contains(constraint.Target ?? ""))
            errors.Add("constraint.target", $"{(constraint.Target is null ? "is required for latency" : "is not a serving GPU")}: one of {string.Join(", ", ServingGpu.PresetNames)}");
        else if (constraint.Metric == ServingCost.Memory && constraint.Target is not null)
            errors.Add("constraint.target", "applies to latency, not to memory");
        if (constraint.Ratio is null == constraint.Max is null) errors.Add("constraint", "give exactly one of 'ratio' (of the W8A8 model's cost) or 'max' (absolute)");
        else if (constraint.Ratio is { } ratio && !(ratio > 0 && ratio <= 1)) errors.Add("constraint.ratio", $"must be in (0, 1], got {ratio}");
        else if (constraint.Max is { } max && !(max > 0 && double.IsFinite(max))) errors.Add("constraint.max", $"must be positive, got {max}");
        if (errors.Count > before || model is null || serving.Problems().Any()) return null;
        try
        {
            var cost = new ServingCost(model, constraint.Metric!, constraint.Target, serving.Context, serving.Batch);
            double limit = constraint.Ratio is { } r ? r * cost.Of(cost.Reference) : constraint.Max!.Value;
            return new CostLimit(constraint.Metric!, constraint.Target, constraint.Ratio, limit);
        }
        catch (ArgumentException e)
        {
            errors.Add("constraint.metric", e.Message);
            return null;
        }
    }

    /// <summary>The space of one format per projection and one cache format per attention layer (language models), walk-back included.</summary>
    internal static FormatSpace Space(ModelSpec model, ServingCost cost, double? limit, ServingSettings serving) =>
        new(model, serving.ParsedFormats, model.Input.IsTokens ? serving.ParsedCaches : [], cost.Of, cost.Reference, limit);

    protected override JobSummary Summarize(FormatsPlan plan) => plan.Summary();

    protected override IReadOnlyList<string> Prepare(FormatsPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) =>
        BaseModelInputs.Prepare(plan, folder, logger, cancellation);

    protected override ICandidateScorer CreateScorer(FormatsPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) =>
        FormatsScorer.Create(plan, folder, logger, cancellation);

    /// <summary>The base network, its projections at their formats' bits (the rest at 16), for targets that cost by bits.</summary>
    protected override CandidateNetwork NetworkOf(FormatsPlan plan, CandidateResult candidate, DataFolder folder) =>
        new(plan.BaseSpec, new PrecisionPolicy(new Precision(16, 16),
            candidate.Policy.Where(p => p.WBits is not null).ToDictionary(p => p.Layer, p => new Precision(p.WBits!.Value, p.ABits!.Value))));

    protected override async Task<SearchResult> RunAsync(FormatsPlan plan, JobContext context)
    {
        var clock = Stopwatch.StartNew();
        var logger = context.Logger;
        using var scorer = FormatsScorer.Create(plan, context.Folder, logger, context.Cancellation);
        var space = scorer.Space;
        logger.LogInformation("Choosing serving formats for {Model} (float validation: accuracy {Accuracy:P2}, perplexity {Perplexity:F3}) with {Agent}; budget {Budget:G4} {Unit} ({Ratio:P0} of W8A8)",
            plan.Model, scorer.Float.Accuracy, scorer.Float.Perplexity, plan.Agent, plan.Constraint.Limit, scorer.Cost.Unit, plan.Constraint.Limit / space.ReferenceCost);
        var agent = SearchAgents.Create(plan.Agent, space, new AgentSettings(plan.Seed)
        {
            Ddpg = new() { WarmupEpisodes = plan.WarmupEpisodes, InitialNoise = plan.InitialNoise, NoiseDecay = plan.NoiseDecay },
        });
        try
        {
            var loop = await SearchLoop.RunAsync(agent, plan.CandidateCount(), plan.Batch, scorer, context.Evaluations ?? new LocalEvaluations(scorer),
                context.Journal, plan.Constraint.Limit, context.Progress, context.Cancellation);
            var candidates = loop.Candidates;
            var best = candidates.MaxBy(c => c.Reward)!;
            var front = ParetoFront.Points(candidates, c => c.ConstrainedValue);
            var analysis = plan.BaseSpec.Analyze();
            var testFloat = scorer.Test();
            return new SearchResult(
                new BaseMetrics(plan.Model, plan.Dataset, scorer.BaseModel.Directory, scorer.Float.Accuracy, testFloat.Accuracy, analysis.Macs, analysis.Params),
                new ConstraintResult(plan.Constraint.Metric, scorer.Cost.Unit, plan.Constraint.Target, plan.Constraint.Target is null ? null : "analytic", plan.Constraint.Ratio),
                plan.Constraint.Limit,
                Finish(plan, best, scorer, testFloat, context.BestModelDirectory, logger),
                front,
                candidates,
                loop.Evaluations,
                loop.EvaluationsPerSecond,
                clock.Elapsed.TotalSeconds);
        }
        finally
        {
            (agent as IDisposable)?.Dispose();
        }
    }

    // The best policy tested, exported and measured in ONNX Runtime, and saved: the float weights with the policy on
    // their card, and the ONNX files that run it.
    private static BestResult Finish(FormatsPlan plan, CandidateResult candidate, FormatsScorer scorer, FormatScore testFloat, string directory, ILogger logger)
    {
        var policy = scorer.Space.PolicyFor([.. candidate.Policy.Select((entry, i) =>
            FormatSpace.ActionOf(scorer.Space.Ladder(i).ToList().IndexOf(entry.Choice!), scorer.Space.Ladder(i).Count))]);
        FormatScore test;
        using (scorer.Deploy(policy)) test = scorer.Test();
        var metrics = new Dictionary<string, double>(candidate.Metrics ?? new Dictionary<string, double>());
        if (test.Perplexity is { } perplexity)
        {
            metrics["testPerplexity"] = perplexity;
            metrics["floatTestPerplexity"] = testFloat.Perplexity!.Value;
            metrics["floatValidationPerplexity"] = scorer.Float.Perplexity!.Value;
            foreach (var gpu in ServingGpu.PresetNames)
                metrics[$"decodeMs@{gpu} batch {plan.Serving.Batch} context {plan.Serving.Context} (modelled)"] =
                    1e3 * new ServingCostModel(ServingGpu.Preset(gpu)).DecodeStepSeconds(ServingWorkload.From(plan.BaseSpec, policy), plan.Serving.Batch, plan.Serving.Context);
        }
        var (files, measured) = ServingRuntimeCheck.Run(scorer, policy, logger);
        string saved = "";
        if (directory != "")
        {
            var card = scorer.BaseModel.Card.Derive($"{plan.Model} in serving formats", scorer.Network, test.Accuracy, candidate.Accuracy) with
            {
                TestPerplexity = test.Perplexity,
                ValidationPerplexity = candidate.Metrics?.GetValueOrDefault("perplexity"),
                ServingFormats = policy.Names(),
            };
            saved = SavedModel.Save(directory, scorer.Network, card, files?.Named).Directory;
        }
        logger.LogInformation("Best candidate {Index}: validation accuracy {Accuracy:P2}, test accuracy {Test:P2}, test perplexity {Perplexity:F3} (float {Float:F3}), {Cost:G4} {Unit}; saved to {Directory}",
            candidate.Index, candidate.Accuracy, test.Accuracy, test.Perplexity, testFloat.Perplexity, candidate.ConstrainedValue, scorer.Cost.Unit, saved);
        return new BestResult(candidate.Index, candidate.Accuracy, candidate.Flops, candidate.Params, candidate.ConstrainedValue, candidate.Policy,
            test.Accuracy, 0, null, saved, metrics, measured);
    }
}
