using System.Diagnostics;
using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.HardwareProfiler.Serving;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Pareto;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Heads;

/// <summary>
/// Attention patterns searched head by head: the agent walks the key/value heads of a trained language model,
/// choosing each one's pattern (dense, page selection, streaming...) under a budget on modelled prefill or decode
/// time or on the KV cache at a serving context, or of a video model (dense, spatial, temporal) under a MAC budget; candidates are scored by perplexity and, when the job asks, by
/// passkey retrieval (see <see cref="HeadsScorer"/>);
/// the best is tested on the test split and saved with its patterns in its spec.
/// </summary>
public sealed class HeadsKind : JobKind<HeadsSpec, HeadsPlan>
{
    private static readonly ModelJobChecks.ConstraintRules Rules = new(HeadsCost.Metrics, CostMetric.Size, Required: false,
        Reference: null, DefaultNoiseDecay: 0.99, PaperWarmupEpisodes: 20);

    public override string Name => "heads";

    public override string Title => "heads (attention patterns per head: streaming, page selection, block-sparse, spatial, temporal)";

    public override string Description =>
        "The attention pattern of each key/value head of a trained language model (LServe's streaming heads and page selection) under a prefill, decode, KV-cache or MAC budget, " +
        "or of a video model (Sparse VideoGen's spatial and temporal heads) under a MAC budget, relative to dense attention.";

    public override IReadOnlyList<string> Agents { get; } = ["ddpg", "evolution", "random", "fixed", "importance", "profiling"];

    public override IReadOnlyList<FormField> Form { get; } =
    [
        .. ModelJobForm.Fields(Rules, HeadsCost.Decode, null,
        [
            new("sparsity.patterns", "patterns to choose from (comma-separated)", "Sparsity", "list", Default: string.Join(",", SparsitySettings.LanguagePatterns)),
            new("sparsity.context", "context (tokens)", "Sparsity", "integer", Default: "8192"),
            new("sparsity.batch", "sequences served together", "Sparsity", "integer", Default: "64"),
            new("sparsity.passkeys", "passkey windows each candidate must retrieve from (0: perplexity only)", "Sparsity", "integer", Default: "0"),
        ]).Select(field => field.Path switch
        {
            "model" => field with { Default = "gpt" },
            "dataset" => field with { Default = "sotu" },
            "constraint.target" => field with { ChoicesFrom = null, Choices = [.. ServingGpu.PresetNames.Select(gpu => new FormChoice(gpu, gpu))], Default = "serving-a100",
                ShownWhen = [new FormCondition("constraint.metric", [HeadsCost.Prefill, HeadsCost.Decode])] },
            _ => field,
        }),
    ];

    protected override HeadsPlan Plan(HeadsSpec spec, DataFolder folder)
    {
        var errors = new SpecErrors();
        var job = ModelJobChecks.Check(spec with { Constraint = null }, this, Rules, folder, errors, languageModels: true, videoModels: true);
        var sparsity = spec.Sparsity ?? new SparsitySettings();
        foreach (var (field, reason) in sparsity.Problems()) errors.Add($"sparsity.{field}", reason);
        if (job is not null && !job.Model.Input.IsTokens && !job.Model.Input.IsVideo)
            errors.Add("model", $"{job.Model.Name} reads images: attention patterns are searched for language models and video models");
        if (job is { Model.Input.IsTokens: true }) CheckTokensRead(job.Model.Input.Width, sparsity, errors);
        if (job is not null && !job.Model.Input.IsVideo && spec.Agent == "profiling")
            errors.Add("agent", $"profiling chooses spatial or temporal heads of a video model; {job.Model.Name} is not one");
        else if (job is not null && spec.Agent == "profiling" && sparsity.PatternsFor(job.Model) is var offered
                 && !(offered.OfType<SpatialPattern>().Any() && offered.OfType<TemporalPattern>().Any()))
            errors.Add("sparsity.patterns", "profiling chooses between spatial and temporal: offer both");
        if (job is not null && job.Model.Input.IsVideo && sparsity.Passkeys > 0) errors.Add("sparsity.passkeys", "passkey windows are text: a video model is scored on clips");
        if (job is not null && errors.Count == 0) CheckPatternsFit(job.Model, sparsity, errors);
        if (job is not null && sparsity.Passkeys > 0 && job.Model.Input.IsTokens && job.Model.Input.Width < Modeling.Data.Text.PasskeyTask.ShortestContext)
            errors.Add("sparsity.passkeys", $"a passkey window needs a context of at least {Modeling.Data.Text.PasskeyTask.ShortestContext} tokens; {job.Model.Name} reads {job.Model.Input.Width}");
        var constraint = CheckConstraint(spec.Constraint, job is not null && errors.Count == 0 ? job.Model : null, sparsity, errors);
        errors.ThrowIfAny();
        return new HeadsPlan
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
            Sparsity = sparsity,
        };
    }

    // What one candidate (and the final test) reads grows with the model's context: bounded in tokens, not in windows.
    private static void CheckTokensRead(int context, SparsitySettings sparsity, SpecErrors errors)
    {
        const long PerCandidate = 1L << 20, Test = 1L << 24;
        foreach (var (field, windows, limit) in new[] { ("validationSamples", sparsity.ValidationSamples, PerCandidate), ("passkeys", sparsity.Passkeys, PerCandidate), ("testSamples", sparsity.TestSamples, Test) })
            if ((long)windows * context > limit)
                errors.Add($"sparsity.{field}", $"{windows:N0} windows of {context:N0} tokens are more than the {limit:N0} tokens it may read");
    }

    // A pattern no attention layer can take is named; so is a model with no attention.
    private static void CheckPatternsFit(ModelSpec model, SparsitySettings sparsity, SpecErrors errors)
    {
        var analysis = model.Analyze();
        var layers = model.Layers.Select((l, i) => (Layer: l, Map: analysis.Layers[i].InputShape)).Where(p => p.Layer.Op == LayerOp.Attention).ToList();
        if (layers.Count == 0)
        {
            errors.Add("model", $"{model.Name} has no attention layer to choose patterns for");
            return;
        }
        var patterns = sparsity.PatternsFor(model);
        for (int i = 0; i < patterns.Count; i++)
            if (layers.All(p => patterns[i].Misfit(p.Map.Height, p.Map.Width, p.Layer.Causal) is not null))
                errors.Add($"sparsity.patterns[{i}]", $"fits no attention layer of {model.Name}: {patterns[i].Misfit(layers[0].Map.Height, layers[0].Map.Width, layers[0].Layer.Causal)}");
    }

    // The constraint's own fields are checked always; whether the budget can be met only for a model and patterns that passed.
    private static CostLimit? CheckConstraint(ConstraintSpec? constraint, ModelSpec? model, SparsitySettings sparsity, SpecErrors errors)
    {
        if (constraint is null)
        {
            errors.Add("constraint", $"is required for heads jobs: a {string.Join(", ", HeadsCost.Metrics)} budget");
            return null;
        }
        int before = errors.Count;
        if (constraint.Metric is null || !HeadsCost.Metrics.Contains(constraint.Metric))
            errors.Add("constraint.metric", $"{(constraint.Metric is null ? "is required" : $"'{constraint.Metric}' is unknown for heads")}: use {string.Join(", ", HeadsCost.Metrics)}");
        else if (constraint.Metric is HeadsCost.Prefill or HeadsCost.Decode && !ServingGpu.PresetNames.Contains(constraint.Target ?? ""))
            errors.Add("constraint.target", $"{(constraint.Target is null ? $"is required for {constraint.Metric}" : "is not a serving GPU")}: one of {string.Join(", ", ServingGpu.PresetNames)}");
        else if (constraint.Metric is HeadsCost.Memory or HeadsCost.Macs && constraint.Target is not null)
            errors.Add("constraint.target", $"applies to prefill and decode, not to {constraint.Metric}");
        if (constraint.Ratio is null == constraint.Max is null) errors.Add("constraint", "give exactly one of 'ratio' (of dense attention's cost) or 'max' (absolute)");
        else if (constraint.Ratio is { } ratio && !(ratio > 0 && ratio <= 1)) errors.Add("constraint.ratio", $"must be in (0, 1], got {ratio}");
        else if (constraint.Max is { } max && !(max > 0 && double.IsFinite(max))) errors.Add("constraint.max", $"must be positive, got {max}");
        if (errors.Count == before && model is { Input.IsVideo: true } && constraint.Metric != HeadsCost.Macs)
            errors.Add("constraint.metric", $"'{constraint.Metric}' counts a language model's serving; a video model's heads are constrained by {HeadsCost.Macs}");
        if (errors.Count > before || model is null) return null;
        var cost = new HeadsCost(model, constraint.Metric!, constraint.Target, sparsity.Context, sparsity.Batch);
        double limit = constraint.Ratio is { } r ? r * cost.Of(null) : constraint.Max!.Value;
        errors.Try(ModelJobChecks.LimitField(constraint), () => new HeadPatternSpace(model, sparsity.PatternsFor(model), sparsity.Context, cost.Of, limit));
        return new CostLimit(constraint.Metric!, constraint.Target, constraint.Ratio, limit);
    }

    protected override JobSummary Summarize(HeadsPlan plan) => plan.Summary();

    protected override IReadOnlyList<string> Prepare(HeadsPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) =>
        BaseModelInputs.Prepare(plan, folder, logger, cancellation);

    protected override ICandidateScorer CreateScorer(HeadsPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) =>
        HeadsScorer.Create(plan, folder, logger, cancellation);

    /// <summary>The base network with the candidate's patterns in its attention layers.</summary>
    protected override CandidateNetwork NetworkOf(HeadsPlan plan, CandidateResult candidate, DataFolder folder)
    {
        var policy = HeadPolicies.FromEntries(candidate.Policy.Select(p => (p.Layer, p.Choice!)));
        return new CandidateNetwork(HeadPolicies.SpecWith(plan.BaseSpec, policy), null);
    }

    protected override async Task<SearchResult> RunAsync(HeadsPlan plan, JobContext context)
    {
        var clock = Stopwatch.StartNew();
        var logger = context.Logger;
        using var scorer = HeadsScorer.Create(plan, context.Folder, logger, context.Cancellation);
        var space = scorer.Space;
        logger.LogInformation("Choosing attention patterns for {Heads} key/value heads of {Model} (dense validation {Measure} {Value:G4}) with {Agent}; budget {Budget:G4} {Unit} ({Ratio:P0} of dense)",
            space.Steps, plan.Model, scorer.Dense.Measure, scorer.Dense.Value, plan.Agent, plan.Constraint.Limit, scorer.Cost.Unit, plan.Constraint.Limit / space.ReferenceCost);
        var agent = SearchAgents.Create(plan.Agent, space, new AgentSettings(plan.Seed)
        {
            Ddpg = new() { WarmupEpisodes = plan.WarmupEpisodes, InitialNoise = plan.InitialNoise, NoiseDecay = plan.NoiseDecay },
            Evolution = new() { Population = Nas.BudgetedPopulation.For(plan.Episodes) },
        });
        try
        {
            var loop = await SearchLoop.RunAsync(agent, plan.CandidateCount(), plan.Batch, scorer, context.Evaluations ?? new LocalEvaluations(scorer),
                context.Journal, plan.Constraint.Limit, context.Progress, context.Cancellation);
            var candidates = loop.Candidates;
            var best = candidates.MaxBy(c => c.Reward)!;
            var denseTest = scorer.Test(null);
            var analysis = plan.BaseSpec.Analyze();
            return new SearchResult(
                new BaseMetrics(plan.Model, plan.Dataset, scorer.BaseModel.Directory, scorer.Dense.Accuracy, denseTest.Accuracy, analysis.Macs, analysis.Params),
                new ConstraintResult(plan.Constraint.Metric, scorer.Cost.Unit, plan.Constraint.Target, plan.Constraint.Target is null ? null : "analytic", plan.Constraint.Ratio),
                plan.Constraint.Limit,
                Finish(plan, best, scorer, denseTest, context.BestModelDirectory, logger),
                ParetoFront.Points(candidates, c => c.ConstrainedValue),
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

    // The best policy tested, and saved as the spec with its patterns and the base weights (which it runs unchanged).
    private static BestResult Finish(HeadsPlan plan, CandidateResult candidate, HeadsScorer scorer, HeadsScore denseTest, string directory, ILogger logger)
    {
        var policy = scorer.Space.PolicyFor(scorer.Space.ActionsFor([.. candidate.Policy.Select(p => p.Choice!)]));
        var test = scorer.Test(policy);
        var metrics = new[] { candidate.Metrics ?? new Dictionary<string, double>(), HeadsScorer.Metrics(test, "test"), HeadsScorer.Metrics(denseTest, "floatTest"),
            HeadsScorer.Metrics(scorer.Dense, "floatValidation") }.SelectMany(m => m).ToDictionary();
        var s = plan.Sparsity;
        foreach (var gpu in plan.BaseSpec.Input.IsTokens ? ServingGpu.PresetNames : [])
            foreach (var metric in new[] { HeadsCost.Prefill, HeadsCost.Decode })
            {
                var cost = new HeadsCost(plan.BaseSpec, metric, gpu, s.Context, s.Batch);
                metrics[$"{metric}Ms@{gpu} batch {s.Batch} context {s.Context} (modelled)"] = cost.Of(policy);
                metrics[$"{metric}Ms@{gpu} batch {s.Batch} context {s.Context}, dense (modelled)"] = cost.Of(null);
            }
        string saved = "";
        if (directory != "")
        {
            using var network = new Modeling.Torch.SpecNetwork(HeadPolicies.SpecWith(plan.BaseSpec, policy));
            network.load_state_dict(scorer.Network.state_dict());
            var card = scorer.BaseModel.Card.Derive($"{plan.Model} with attention patterns", network, test.Accuracy, candidate.Accuracy);
            card = test.Measure == "error"
                ? card with { TestError = test.Value, ValidationError = candidate.Metrics?.GetValueOrDefault("error") }
                : card with { TestPerplexity = test.Value, ValidationPerplexity = candidate.Metrics?.GetValueOrDefault("perplexity") };
            saved = SavedModel.Save(directory, network, card).Directory;
        }
        logger.LogInformation("Best candidate {Index}: test {Measure} {Value:G4} (dense {Dense:G4}), {Cost:G4} {Unit}; saved to {Directory}",
            candidate.Index, test.Measure, test.Value, denseTest.Value, candidate.ConstrainedValue, scorer.Cost.Unit, saved);
        return new BestResult(candidate.Index, candidate.Accuracy, candidate.Flops, candidate.Params, candidate.ConstrainedValue, candidate.Policy,
            test.Accuracy, 0, null, saved, metrics);
    }
}
