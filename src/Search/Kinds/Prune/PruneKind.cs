using System.Diagnostics;
using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Pareto;
using AutoDesign.Search.Pruning;
using AutoDesign.Search.Recovery;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Prune;

/// <summary>
/// Channel pruning (AMC): trains (or takes from the cache) the base model, lets the agent propose per-layer keep ratios
/// episode by episode, scores each policy on the really pruned network, keeps the Pareto front, then fine-tunes
/// (optionally), tests and saves the best pruned network. Image classifiers and language models alike (see
/// <see cref="PruneSpec"/> for what differs).
/// </summary>
public sealed class PruneKind : JobKind<PruneSpec, PrunePlan>
{
    /// <summary>The metrics a pruning job takes, and AMC's DDPG defaults (noise decay 0.95, 100 warm-up episodes).</summary>
    public static readonly ModelJobChecks.ConstraintRules Rules = new(["flops", "params", "latency", "energy"], CostMetric.Flops, Required: false,
        Reference: null, DefaultNoiseDecay: 0.95, PaperWarmupEpisodes: 100);

    public override string Name => "prune";

    public override string Title => "prune (AMC: channels per layer)";

    public override string Description => "How many channels each layer of a trained model keeps, under a FLOPs, parameter, latency or energy budget.";

    public override string Unconstrained => "accuracy-guaranteed (AMC's reward: error x log FLOPs)";

    public override IReadOnlyList<string> Agents { get; } = ["ddpg", "uniform", "random"];

    public override IReadOnlyList<FormField> Form { get; } = ModelJobForm.Fields(Rules, "flops", null, [ModelJobForm.RecoveryEpochs]);

    protected override PrunePlan Plan(PruneSpec spec, DataFolder folder)
    {
        var errors = new SpecErrors();
        var job = ModelJobChecks.Check(spec, this, Rules, folder, errors, languageModels: true, recovers: true);
        var (pruning, problems) = (spec.Pruning ?? new PruningSettings()).For(languageModel: job?.Model.Input.IsTokens ?? false);
        if (job is null) problems = []; // which settings apply is known once the model is
        pruning = pruning with { Rounding = pruning.Rounding ?? ChannelRounding.Up };
        foreach (var (field, reason) in problems.Concat(pruning.Problems().Where(p => !problems.Any(q => q.Field == p.Field))))
            errors.Add($"pruning.{field}", reason);
        var recovery = job?.Recovery;
        if (pruning.FineTuneEpochs > 0 && job is not null)
        {
            if (spec.Recovery is not null) errors.Add("pruning.fineTuneEpochs", "is the older spelling of recovery.epochs (labels only): give one of them");
            else recovery = RecoveryPlan.FineTuning(pruning.FineTuneEpochs, job.BaseTraining);
        }
        if (job is not null && errors.Count == 0)
            errors.Try(ModelJobChecks.LimitField(spec.Constraint),
                () => new PruningSpace(job.Model, pruning.LowerBound, pruning.ChannelMultiple, job.Metric, job.Constraint.Limit, pruning.Rounding.Value));
        errors.ThrowIfAny();
        return new PrunePlan
        {
            Agent = spec.Agent!,
            Seed = spec.Seed,
            Batch = spec.Budget?.Batch ?? 1,
            Model = spec.Model!,
            BaseSpec = job!.Model,
            Dataset = spec.Dataset!,
            BaseTraining = job.BaseTraining,
            Constraint = job.Constraint,
            Episodes = job.Episodes,
            WarmupEpisodes = job.WarmupEpisodes,
            InitialNoise = job.InitialNoise,
            NoiseDecay = job.NoiseDecay,
            Recovery = recovery,
            Pruning = pruning,
        };
    }

    protected override JobSummary Summarize(PrunePlan plan) => plan.Summary();

    protected override IReadOnlyList<string> Prepare(PrunePlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) =>
        BaseModelInputs.Prepare(plan, folder, logger, cancellation);

    protected override ICandidateScorer CreateScorer(PrunePlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) =>
        PruneScorer.Create(plan, folder, logger, cancellation);

    protected override CandidateNetwork NetworkOf(PrunePlan plan, CandidateResult candidate, DataFolder folder) =>
        new(PolicyOf(candidate).ApplyTo(plan.BaseSpec), null);

    protected override async Task<SearchResult> RunAsync(PrunePlan plan, JobContext context)
    {
        var clock = Stopwatch.StartNew();
        var logger = context.Logger;
        using var scorer = PruneScorer.Create(plan, context.Folder, logger, context.Cancellation);
        var (network, evaluator, space) = (scorer.Network, scorer.Evaluator, scorer.Space);
        double baseAccuracy = evaluator.Accuracy(network);
        var metric = scorer.Metric;
        logger.LogInformation("Pruning {Model} ({Macs:N0} MACs, validation accuracy {Accuracy:P2} on {Count:N0} {Units}) with {Agent}; budget {Budget}",
            plan.Model, network.Analysis.Macs, baseAccuracy, evaluator.Count, plan.BaseSpec.Input.IsTokens ? "windows" : "images", plan.Agent,
            plan.Constraint.Limit is { } b ? $"{b:N} {metric.Unit}" : "none (accuracy-guaranteed reward)");

        var agent = SearchAgents.Create(plan.Agent, space, new AgentSettings(plan.Seed)
        {
            Ddpg = new() { WarmupEpisodes = plan.WarmupEpisodes, LowestAction = plan.Pruning.LowerBound, InitialNoise = plan.InitialNoise, NoiseDecay = plan.NoiseDecay },
        });
        try
        {
            var loop = await SearchLoop.RunAsync(agent, plan.CandidateCount(), plan.Batch, scorer, context.Evaluations ?? new LocalEvaluations(scorer),
                context.Journal, plan.Constraint.Limit, context.Progress, context.Cancellation);
            var candidates = loop.Candidates;

            var front = ParetoFront.Points(candidates, c => c.Flops);
            var best = Finish(plan, candidates, front, scorer, context, logger);
            var target = (metric as CostMetric.OnTarget)?.Target;
            return new SearchResult(
                new BaseMetrics(plan.Model, plan.Dataset, scorer.BaseModel.Directory, baseAccuracy, scorer.BaseModel.Card.TestAccuracy, network.Analysis.Macs, network.Analysis.Params),
                new ConstraintResult(metric.Name, metric.Unit, target?.Name, target?.Kind.ToString().ToLowerInvariant(), plan.Constraint.Ratio),
                plan.Constraint.Limit,
                best,
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

    private static PruningPolicy PolicyOf(CandidateResult candidate) =>
        new(candidate.Policy.ToDictionary(p => p.Layer, p => p.Channels ?? throw new InvalidOperationException($"candidate {candidate.Index} has no channel count for {p.Layer}")));

    private static BestResult Finish(PrunePlan plan, IReadOnlyList<CandidateResult> candidates, IReadOnlyList<ParetoPoint> front, PruneScorer scorer,
        JobContext context, ILogger logger)
    {
        var candidate = candidates.MaxBy(c => c.Reward)!;
        if (scorer.Corpus is not null)
            return PrunedLanguageModel.Finish(plan, candidate, front, i => scorer.Evaluator.Prune(PolicyOf(candidates.First(c => c.Index == i))), scorer, context, logger);
        var (data, baseModel) = (scorer.Data!, scorer.BaseModel);
        using var pruned = scorer.Evaluator.Prune(PolicyOf(candidate));
        double testAccuracy = Evaluation.Of(pruned, data.Test, baseModel.Card.Mean, baseModel.Card.Std).Accuracy;
        RecoveryResult? recovered = null;
        IReadOnlyList<EpochReport> history = [];
        if (plan.RecoveryOrFineTuning() is { } recovery)
        {
            var recoverer = DesignRecovery.ForImages(recovery, plan.BaseTraining, plan.Seed, data, baseModel.Card.Mean, baseModel.Card.Std, scorer.Network,
                context.RecoveryDirectory, logger);
            (recovered, history) = recoverer.Recover(pruned, candidate.Index, testAccuracy, front, i => scorer.Evaluator.Prune(PolicyOf(candidates.First(c => c.Index == i))), context.Cancellation);
        }
        string saved = "";
        if (context.BestModelDirectory != "")
        {
            var card = baseModel.Card.Derive($"{plan.Model} pruned", pruned, recovered?.TestAccuracy ?? testAccuracy, candidate.Accuracy) with { History = history };
            saved = SavedModel.Save(context.BestModelDirectory, pruned, card).Directory;
        }
        logger.LogInformation("Best candidate {Index}: {Macs:N0} MACs, validation accuracy {Accuracy:P2}, test accuracy {Test:P2}{Recovered}; saved to {Directory}",
            candidate.Index, candidate.Flops, candidate.Accuracy, testAccuracy, recovered is { } r ? $", {r.TestAccuracy:P2} after {r.Epochs} epochs of recovery" : "", saved);
        return new BestResult(candidate.Index, candidate.Accuracy, candidate.Flops, candidate.Params, candidate.ConstrainedValue, candidate.Policy,
            testAccuracy, 0, null, saved, Recovered: recovered);
    }
}
