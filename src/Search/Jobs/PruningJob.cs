using System.Diagnostics;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Agents.Ddpg;
using AutoDesign.Search.Pareto;
using AutoDesign.Search.Pruning;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// Runs a pruning job in-process: trains (or takes from the cache) the base model, lets the agent propose policies
/// episode by episode, scores each on the real pruned network, keeps the Pareto front, then fine-tunes (optionally),
/// tests and saves the best pruned network.
/// </summary>
public sealed class PruningJob(DataFolder folder, ILogger logger)
{
    public SearchResult Run(JobSpec spec, string bestModelDirectory, Action<SearchProgress>? progress = null, CancellationToken cancellation = default,
        IJobJournal? journal = null, IEvaluationPool? evaluations = null)
    {
        var clock = Stopwatch.StartNew();
        using var scorer = PruningScorer.Create(spec, folder, logger, cancellation);
        var (job, network, evaluator, space) = (scorer.Job, scorer.Network, scorer.Evaluator, scorer.Space);
        double baseAccuracy = evaluator.Accuracy(network);
        var metric = job.Metric!;
        logger.LogInformation("Pruning {Model} ({Macs:N0} MACs, validation accuracy {Accuracy:P2} on {Images:N0} images) with {Agent}; budget {Budget}",
            spec.Model, network.Analysis.Macs, baseAccuracy, evaluator.Count, spec.Agent,
            job.BudgetLimit is { } b ? $"{b:N} {metric.Unit}" : "none (accuracy-guaranteed reward)");

        var agent = CreateAgent(job, space);
        try
        {
            int episodes = agent is UniformAgent ? 1 : job.Episodes; // uniform has a single policy to offer
            var loop = SearchLoop.Run(agent, episodes, job.BatchSize, scorer, evaluations ?? new LocalEvaluations(scorer),
                journal ?? NoJournal.Instance, job.BudgetLimit, progress, cancellation);
            var candidates = loop.Candidates;

            var bestCandidate = candidates.MaxBy(c => c.Reward)!;
            var best = Finish(job, bestCandidate, evaluator, scorer.Data, scorer.BaseModel, bestModelDirectory, cancellation);
            var front = ParetoFront.Of([.. candidates.Select(c => (c.Accuracy, (double)c.Flops))])
                .Select(i => new ParetoPoint(candidates[i].Index, candidates[i].Accuracy, candidates[i].Flops, candidates[i].Params, candidates[i].ConstrainedValue)).ToList();
            return new SearchResult(
                spec,
                new BaseMetrics(spec.Model!, spec.Dataset!, scorer.BaseModel.Directory, baseAccuracy, scorer.BaseModel.Card.TestAccuracy, network.Analysis.Macs, network.Analysis.Params),
                new ConstraintResult(metric.Name, metric.Unit, (metric as CostMetric.OnTarget)?.Target.Name,
                    (metric as CostMetric.OnTarget)?.Target.Kind.ToString().ToLowerInvariant(), spec.Constraint?.Ratio),
                job.BudgetLimit,
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

    private static ISearchAgent CreateAgent(ValidJob job, PruningSpace space) => job.Spec.Agent switch
    {
        "uniform" => new UniformAgent(space),
        "random" => new RandomAgent(space, job.Spec.Seed),
        _ => new DdpgAgent(space, new DdpgOptions
        {
            WarmupEpisodes = job.WarmupEpisodes,
            Seed = job.Spec.Seed,
            LowestAction = job.Pruning.LowerBound,
            InitialNoise = job.Spec.Ddpg?.InitialNoise ?? 0.5,
            NoiseDecay = job.Spec.Ddpg?.NoiseDecay ?? 0.95,
        }),
    };

    private BestResult Finish(ValidJob job, CandidateResult candidate, PruningEvaluator evaluator, Dataset data,
        SavedModel baseModel, string directory, CancellationToken cancellation)
    {
        var policy = new PruningPolicy(candidate.Policy.ToDictionary(p => p.Layer, p => p.Channels!.Value));
        using var pruned = evaluator.Prune(policy);
        double testAccuracy = Evaluation.Of(pruned, data.Test, baseModel.Card.Mean, baseModel.Card.Std).Accuracy;
        double? fineTuned = null;
        IReadOnlyList<EpochReport> history = [];
        if (job.Pruning.FineTuneEpochs > 0)
        {
            var options = job.BaseTraining with { Epochs = job.Pruning.FineTuneEpochs, Seed = job.Spec.Seed };
            options = options with { LearningRate = options.LearningRate / 10 }; // a pruned network starts close to a good solution
            history = new Trainer(logger).Train(pruned, data, options, cancellation: cancellation);
            fineTuned = Evaluation.Of(pruned, data.Test, baseModel.Card.Mean, baseModel.Card.Std).Accuracy;
        }
        var card = baseModel.Card.Derive($"{job.Spec.Model} pruned", pruned, fineTuned ?? testAccuracy, candidate.Accuracy) with { History = history };
        var saved = SavedModel.Save(directory, pruned, card);
        logger.LogInformation("Best candidate {Index}: {Macs:N0} MACs, validation accuracy {Accuracy:P2}, test accuracy {Test:P2}{Tuned}; saved to {Directory}",
            candidate.Index, candidate.Flops, candidate.Accuracy, testAccuracy, fineTuned is { } f ? $", {f:P2} after {job.Pruning.FineTuneEpochs} epochs of fine-tuning" : "", saved.Directory);
        return new BestResult(candidate.Index, candidate.Accuracy, candidate.Flops, candidate.Params, candidate.ConstrainedValue, candidate.Policy,
            testAccuracy, job.Pruning.FineTuneEpochs, fineTuned, saved.Directory);
    }
}
