using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Quantization;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace AutoDesign.Search.Kinds.Formats;

/// <summary>
/// Scores a serving-format job's candidates: the float network is calibrated once on training data, every (layer,
/// format) is prepared once and kept, and each policy is scored on validation data. A language model's reward is
/// -0.1 x ln(perplexity / float perplexity), the nats per token it gives up scaled as HAQ scales accuracy; an image
/// classifier's is HAQ's, 0.1 x (accuracy - float accuracy). A candidate's accuracy is its next-token or top-1 accuracy.
/// </summary>
public sealed class FormatsScorer : ICandidateScorer
{
    public const double RewardScale = 0.1;

    private readonly FormatCalibration _calibration;
    private readonly FormatKernels _kernels;
    private readonly Func<FormatScore> _validate;
    private readonly Func<FormatScore> _test;

    private FormatsScorer(FormatsPlan plan, SavedModel baseModel, SpecNetwork network, Tensor calibrationInputs, Func<FormatScore> validate, Func<FormatScore> test,
        FormatTestSplit testSplit)
    {
        BaseModel = baseModel;
        Network = network;
        TestSplit = testSplit;
        _validate = validate;
        _test = test;
        Cost = new ServingCost(plan.BaseSpec, plan.Constraint.Metric, plan.Constraint.Target, plan.Serving.Context, plan.Serving.Batch);
        Space = FormatsKind.Space(plan.BaseSpec, Cost, plan.Constraint.Limit, plan.Serving);
        using (calibrationInputs) _calibration = new FormatCalibration(network, calibrationInputs);
        _kernels = new FormatKernels(network, _calibration, plan.Serving.Calibration);
        Float = validate();
    }

    public SavedModel BaseModel { get; }

    public SpecNetwork Network { get; }

    public FormatSpace Space { get; }

    public ServingCost Cost { get; }

    public FormatTestSplit TestSplit { get; }

    /// <summary>The float network on the validation data.</summary>
    public FormatScore Float { get; }

    /// <summary>Trains the base model first if the cache does not hold it.</summary>
    public static FormatsScorer Create(FormatsPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation)
    {
        var baseModel = BaseModelInputs.Load(plan, folder, logger, cancellation);
        var network = baseModel.CreateNetwork();
        var s = plan.Serving;
        if (plan.BaseSpec.Input.IsTokens)
        {
            var corpus = DatasetCatalog.LoadText(plan.Dataset, folder);
            int context = plan.BaseSpec.Input.Width;
            var calibration = TokenWindows.Batch(corpus.Train, context, TokenWindows.RandomStarts(corpus.Train, context, s.CalibrationSamples, new SplitMix64((ulong)plan.Seed))).Inputs;
            FormatScore Score(byte[] stream, int windows)
            {
                var e = TextEvaluation.Of(network, stream, context, batchSize: 16, maxWindows: windows);
                return new FormatScore(e.Accuracy, e.Perplexity);
            }
            return new FormatsScorer(plan, baseModel, network, calibration, () => Score(corpus.Validation, s.ValidationSamples), () => Score(corpus.Test, s.TestSamples),
                new FormatTestSplit(corpus.Test, context, null, baseModel.Card));
        }
        var data = DatasetCatalog.Load(plan.Dataset, folder);
        using var calibrationSource = new BatchSource(data.Train.Sample(s.CalibrationSamples, (ulong)plan.Seed), baseModel.Card.Mean, baseModel.Card.Std);
        var images = calibrationSource.Range(0, s.CalibrationSamples).Images;
        var validation = data.Validation.Sample(Math.Min(s.ValidationSamples, data.Validation.Count));
        var test = s.TestSamples > 0 ? data.Test.Sample(s.TestSamples) : data.Test;
        FormatScore Classify(ImageSet set) => new(Evaluation.Of(network, set, baseModel.Card.Mean, baseModel.Card.Std).Accuracy, null);
        return new FormatsScorer(plan, baseModel, network, images.DetachFromDisposeScope(), () => Classify(validation), () => Classify(test),
            new FormatTestSplit(null, 0, test, baseModel.Card));
    }

    public IReadOnlyList<PolicyEntry> Describe(IReadOnlyList<double> actions) => Describe(Space.PolicyFor(actions));

    public CandidateResult Score(int index, IReadOnlyList<double> actions, double? bar = null)
    {
        var policy = Space.PolicyFor(actions);
        FormatScore score;
        using (_kernels.Deploy(policy)) score = _validate();
        var analysis = Space.Spec.Analyze();
        return new CandidateResult(index, score.Accuracy, analysis.Macs, analysis.Params, Cost.Of(policy), Reward(score), Describe(policy), Metrics(policy, score));
    }

    /// <summary>Runs the network in <paramref name="policy"/>'s formats until disposed.</summary>
    public FormatDeployment Deploy(FormatPolicy policy) => _kernels.Deploy(policy);

    /// <summary>The network as deployed now on the test split.</summary>
    public FormatScore Test() => _test();

    public double Reward(FormatScore score) => score.Perplexity is { } perplexity
        ? -RewardScale * Math.Log(perplexity / Float.Perplexity!.Value)
        : RewardScale * (score.Accuracy - Float.Accuracy);

    public void Dispose()
    {
        _kernels.Dispose();
        _calibration.Dispose();
        Network.Dispose();
    }

    private IReadOnlyList<PolicyEntry> Describe(FormatPolicy policy) =>
        [.. Space.Layers.Select(layer => policy.Caches.TryGetValue(layer, out var cache)
            ? new PolicyEntry(layer, Choice: cache.Name, Value: cache.Bits)
            : new PolicyEntry(layer, WBits: policy.For(layer).WeightBits, ABits: policy.For(layer).ActivationBits, Choice: policy.For(layer).Name))];

    private Dictionary<string, double> Metrics(FormatPolicy policy, FormatScore score)
    {
        var spec = Space.Spec;
        var metrics = new Dictionary<string, double> { ["weightBytes"] = FormatSizes.WeightBytes(spec, policy) };
        if (score.Perplexity is { } perplexity) metrics["perplexity"] = perplexity;
        if (spec.Input.IsTokens) metrics["kvBytesPerToken"] = FormatSizes.KvBytes(spec, policy, 1);
        return metrics;
    }
}

/// <summary>The test split: a language model's token stream and context, or an image classifier's images; the base model's card.</summary>
public sealed record FormatTestSplit(byte[]? Tokens, int Context, ImageSet? Images, ModelCard Card);

/// <summary>A network's score: next-token or top-1 accuracy, and a language model's perplexity.</summary>
public sealed record FormatScore(double Accuracy, double? Perplexity);
