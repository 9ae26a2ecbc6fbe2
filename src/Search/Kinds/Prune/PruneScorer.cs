using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Data.Text;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Pruning;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace AutoDesign.Search.Kinds.Prune;

/// <summary>
/// Scores a pruning job's candidates: the base network, the validation subset (the same images, or windows of a language
/// model's validation text, for every run, whatever its seed), the optional refit and batch-norm images, and the space
/// that turns actions into channel counts.
/// </summary>
public sealed class PruneScorer : ICandidateScorer
{
    private readonly PrunePlan _plan;
    private readonly LeastSquaresRefit? _refit;

    private PruneScorer(PrunePlan plan, SavedModel baseModel, Dataset? data, TextCorpus? corpus, SpecNetwork network, LeastSquaresRefit? refit,
        IPruningEvaluator evaluator, CostMetric metric)
    {
        _plan = plan;
        BaseModel = baseModel;
        Data = data;
        Corpus = corpus;
        Network = network;
        _refit = refit;
        Evaluator = evaluator;
        Metric = metric;
        Space = new PruningSpace(plan.BaseSpec, plan.Pruning.LowerBound, plan.Pruning.ChannelMultiple, metric, plan.Constraint.Limit, plan.Rounding);
    }

    public SavedModel BaseModel { get; }

    /// <summary>An image classifier's data set (null for a language model).</summary>
    public Dataset? Data { get; }

    /// <summary>A language model's text corpus (null for an image classifier).</summary>
    public TextCorpus? Corpus { get; }

    public SpecNetwork Network { get; }

    /// <summary>A <see cref="PruningEvaluator"/> for an image classifier, a <see cref="TextPruningEvaluator"/> for a language model.</summary>
    public IPruningEvaluator Evaluator { get; }

    public PruningSpace Space { get; }

    public CostMetric Metric { get; }

    /// <summary>Trains the base model first if the cache does not hold it.</summary>
    public static PruneScorer Create(PrunePlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation)
    {
        var baseModel = BaseModelInputs.Load(plan, folder, logger, cancellation);
        var metric = CostMetric.Named(plan.Constraint.Metric, plan.Constraint.Target, folder);
        var network = baseModel.CreateNetwork();
        var pruning = plan.Pruning;
        if (plan.BaseSpec.Input.IsTokens)
        {
            var corpus = DatasetCatalog.LoadText(plan.Dataset, folder);
            var text = new TextPruningEvaluator(network, corpus.Validation, pruning.ValidationWindows ?? PruningSettings.DefaultValidationWindows, pruning.Importance);
            return new PruneScorer(plan, baseModel, null, corpus, network, null, text, metric);
        }
        var data = BaseModelInputs.Data(plan, folder);
        var refit = pruning.Refit ? LeastSquaresRefit.Calibrated(network, data, plan.Seed) : null;
        var recalibration = pruning.BatchNormImages > 0 ? data.Train.Sample(pruning.BatchNormImages, (ulong)plan.Seed + 1) : null;
        var evaluator = new PruningEvaluator(network, data.Validation.Sample(pruning.ValidationImages), baseModel.Card.Mean, baseModel.Card.Std,
            pruning.Importance, refit, recalibration, pruning.ScreenImages);
        return new PruneScorer(plan, baseModel, data, null, network, refit, evaluator, metric);
    }

    public IReadOnlyList<PolicyEntry> Describe(IReadOnlyList<double> actions) => Describe(Space.PolicyFor(actions));

    public CandidateResult Score(int index, IReadOnlyList<double> actions, double? bar = null)
    {
        var policy = Space.PolicyFor(actions);
        Func<double, int, bool>? worthTheRest = null;
        if (bar is { } best && _plan.Pruning.ScreenImages > 0)
        {
            long macs = policy.ApplyTo(_plan.BaseSpec).Analyze().Macs;
            worthTheRest = (accuracy, images) => Reward(new PrunedScore(UpperBound(accuracy, images), macs, 0)) >= best;
        }
        var score = Evaluator.Score(policy, worthTheRest);
        var metrics = score.ScreenedOn is { } screened ? new Dictionary<string, double> { [SearchLoop.ScreenedImages] = screened }
            : score.Perplexity is { } perplexity ? new Dictionary<string, double> { ["perplexity"] = perplexity }
            : null;
        return new CandidateResult(index, score.Accuracy, score.Macs, score.Params, Space.Cost(Space.CountsOf(policy)), Reward(score), Describe(policy), metrics);
    }

    /// <summary>
    /// The most a candidate's accuracy on all images can plausibly be, from its accuracy on a random subset: three
    /// standard errors above it, plus one image's worth so that 0 % and 100 % on the subset are not taken as certain.
    /// </summary>
    public static double UpperBound(double accuracy, int images) =>
        Math.Min(1, accuracy + 3 * Math.Sqrt(accuracy * (1 - accuracy) / images) + 1.0 / images);

    /// <summary>AMC's rewards: -error under a budget; -error x log(FLOPs) in accuracy-guaranteed mode.</summary>
    public double Reward(PrunedScore score) =>
        _plan.Constraint.Limit is null ? -(1 - score.Accuracy) * Math.Log(score.Macs) : -(1 - score.Accuracy);

    public void Dispose()
    {
        Evaluator.Dispose();
        _refit?.Dispose();
        Network.Dispose();
    }

    private IReadOnlyList<PolicyEntry> Describe(PruningPolicy policy) =>
        Space.Groups.Select(g =>
        {
            string key = PruningPolicy.KeyOf(g);
            int kept = policy.Keep[key];
            return new PolicyEntry(key, (double)kept / g.Channels, kept, g.Channels, [.. g.Producers.Where(p => p != key).Concat(g.Followers)]);
        }).ToList();
}
