using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Pruning;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// Scores a pruning job's candidates: the base network, the validation subset (the same images for every run, whatever
/// its seed), the optional refit and batch-norm images, and the space that turns actions into channel counts.
/// </summary>
public sealed class PruningScorer : ICandidateScorer
{
    private readonly LeastSquaresRefit? _refit;

    private PruningScorer(ValidJob job, SavedModel baseModel, Dataset data, SpecNetwork network, LeastSquaresRefit? refit, PruningEvaluator evaluator)
    {
        Job = job;
        BaseModel = baseModel;
        Data = data;
        Network = network;
        _refit = refit;
        Evaluator = evaluator;
        Space = new PruningSpace(job.Model!, job.Pruning.LowerBound, job.Pruning.ChannelMultiple, job.Metric, job.BudgetLimit);
    }

    public ValidJob Job { get; }

    public SavedModel BaseModel { get; }

    public Dataset Data { get; }

    public SpecNetwork Network { get; }

    public PruningEvaluator Evaluator { get; }

    public PruningSpace Space { get; }

    /// <summary>Trains the base model first if the cache does not hold it.</summary>
    public static PruningScorer Create(JobSpec spec, DataFolder folder, ILogger logger, CancellationToken cancellation)
    {
        var job = JobSpecValidator.Check(spec, folder);
        var baseModel = new BaseModels(folder, logger).GetOrTrain(spec.Model!, spec.Dataset!, job.BaseTraining, cancellation: cancellation).Model;
        var data = DatasetCatalog.Load(spec.Dataset!, folder);
        var network = baseModel.CreateNetwork();
        var refit = job.Pruning.Refit ? CreateRefit(network, data, spec.Seed) : null;
        var recalibration = job.Pruning.BatchNormImages > 0 ? data.Train.Sample(job.Pruning.BatchNormImages, (ulong)spec.Seed + 1) : null;
        var evaluator = new PruningEvaluator(network, data.Validation.Sample(job.Pruning.ValidationImages), baseModel.Card.Mean, baseModel.Card.Std,
            job.Pruning.Importance, refit, recalibration);
        return new PruningScorer(job, baseModel, data, network, refit, evaluator);
    }

    public IReadOnlyList<PolicyEntry> Describe(IReadOnlyList<double> actions) => Describe(Space.PolicyFor(actions));

    public CandidateResult Score(int index, IReadOnlyList<double> actions)
    {
        var policy = Space.PolicyFor(actions);
        var score = Evaluator.Score(policy);
        return new CandidateResult(index, score.Accuracy, score.Macs, score.Params, Space.Cost(Space.CountsOf(policy)), Reward(score), Describe(policy));
    }

    /// <summary>AMC's rewards: -error under a budget; -error x log(FLOPs) in accuracy-guaranteed mode.</summary>
    public double Reward(PrunedScore score) =>
        Job.BudgetLimit is null ? -(1 - score.Accuracy) * Math.Log(score.Macs) : -(1 - score.Accuracy);

    public void Dispose()
    {
        Evaluator.Dispose();
        _refit?.Dispose();
        Network.Dispose();
    }

    private IReadOnlyList<PolicyEntry> Describe(PruningPolicy policy) =>
        Space.Groups.Select(g =>
        {
            int kept = policy.Keep[PruningPolicy.KeyOf(g)];
            return new PolicyEntry(PruningPolicy.KeyOf(g), (double)kept / g.Channels, kept, g.Channels, [.. g.Producers.Skip(1).Concat(g.Followers)]);
        }).ToList();

    private static LeastSquaresRefit CreateRefit(SpecNetwork network, Dataset data, int seed)
    {
        // Calibration images come from the training split, never from the images candidates are scored on.
        using var source = new BatchSource(data.Train.Sample(512, (ulong)seed), data.Mean, data.Std);
        using var scope = NewDisposeScope();
        var (images, _) = source.Range(0, source.Count);
        return new LeastSquaresRefit(network, images, pointsPerImage: 16, convImages: 128, seed: (ulong)seed);
    }
}
