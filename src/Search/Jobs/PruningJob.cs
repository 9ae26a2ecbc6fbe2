using System.Diagnostics;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Agents.Ddpg;
using AutoDesign.Search.Pareto;
using AutoDesign.Search.Pruning;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// Runs a pruning job in-process: trains (or takes from the cache) the base model, lets the agent propose policies
/// episode by episode, scores each on the real pruned network, keeps the Pareto front, then fine-tunes (optionally),
/// tests and saves the best pruned network.
/// </summary>
public sealed class PruningJob(DataFolder folder, ILogger logger)
{
    public SearchResult Run(JobSpec spec, string bestModelDirectory, Action<SearchProgress>? progress = null, CancellationToken cancellation = default,
        IJobJournal? journal = null)
    {
        var job = JobSpecValidator.Check(spec, folder);
        var clock = Stopwatch.StartNew();
        var models = new BaseModels(folder, logger);
        var baseModel = models.GetOrTrain(spec.Model!, spec.Dataset!, job.BaseTraining, cancellation: cancellation).Model;
        var data = DatasetCatalog.Load(spec.Dataset!, folder);
        var validation = data.Validation.Sample(job.Pruning.ValidationImages); // the same images for every run, whatever its seed

        using var network = baseModel.CreateNetwork();
        using var refit = job.Pruning.Refit ? CreateRefit(network, data, spec.Seed) : null;
        var recalibration = job.Pruning.BatchNormImages > 0 ? data.Train.Sample(job.Pruning.BatchNormImages, (ulong)spec.Seed + 1) : null;
        using var evaluator = new PruningEvaluator(network, validation, baseModel.Card.Mean, baseModel.Card.Std, job.Pruning.Importance, refit, recalibration);
        double baseAccuracy = evaluator.Accuracy(network);
        var metric = job.Metric!;
        var space = new PruningSpace(job.Model!, job.Pruning.LowerBound, job.Pruning.ChannelMultiple, metric, job.BudgetLimit);
        logger.LogInformation("Pruning {Model} ({Macs:N0} MACs, validation accuracy {Accuracy:P2} on {Images:N0} images) with {Agent}; budget {Budget}",
            spec.Model, network.Analysis.Macs, baseAccuracy, evaluator.Count, spec.Agent,
            job.BudgetLimit is { } b ? $"{b:N} {metric.Unit}" : "none (accuracy-guaranteed reward)");

        var agent = CreateAgent(job, space);
        try
        {
            int episodes = agent is UniformAgent ? 1 : job.Episodes; // uniform has a single policy to offer
            var loop = SearchLoop.Run(agent, episodes, c => space.PolicyFor(c.Actions), p => Describe(space, p),
                (index, policy, entries) =>
                {
                    var score = evaluator.Score(policy);
                    return new CandidateResult(index, score.Accuracy, score.Macs, score.Params, space.Cost(space.CountsOf(policy)), Reward(score, job), entries);
                },
                journal ?? NoJournal.Instance, job.BudgetLimit, progress, cancellation);
            var candidates = loop.Candidates;

            var bestCandidate = candidates.MaxBy(c => c.Reward)!;
            var best = Finish(job, bestCandidate, evaluator, data, baseModel, bestModelDirectory, cancellation);
            var front = ParetoFront.Of([.. candidates.Select(c => (c.Accuracy, (double)c.Flops))])
                .Select(i => new ParetoPoint(candidates[i].Index, candidates[i].Accuracy, candidates[i].Flops, candidates[i].Params, candidates[i].ConstrainedValue)).ToList();
            return new SearchResult(
                spec,
                new BaseMetrics(spec.Model!, spec.Dataset!, baseModel.Directory, baseAccuracy, baseModel.Card.TestAccuracy, network.Analysis.Macs, network.Analysis.Params),
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

    /// <summary>AMC's rewards: -error under a budget; -error x log(FLOPs) in accuracy-guaranteed mode.</summary>
    public static double Reward(PrunedScore score, ValidJob job) =>
        job.BudgetLimit is null ? -(1 - score.Accuracy) * Math.Log(score.Macs) : -(1 - score.Accuracy);


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

    private static LeastSquaresRefit CreateRefit(SpecNetwork network, Dataset data, int seed)
    {
        // Calibration images come from the training split, never from the images candidates are scored on.
        using var source = new BatchSource(data.Train.Sample(512, (ulong)seed), data.Mean, data.Std);
        using var scope = NewDisposeScope();
        var (images, _) = source.Range(0, source.Count);
        return new LeastSquaresRefit(network, images, pointsPerImage: 16, convImages: 128, seed: (ulong)seed);
    }

    private static IReadOnlyList<PolicyEntry> Describe(PruningSpace space, PruningPolicy policy) =>
        space.Groups.Select(g =>
        {
            int kept = policy.Keep[PruningPolicy.KeyOf(g)];
            return new PolicyEntry(PruningPolicy.KeyOf(g), (double)kept / g.Channels, kept, g.Channels, [.. g.Producers.Skip(1).Concat(g.Followers)]);
        }).ToList();

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
