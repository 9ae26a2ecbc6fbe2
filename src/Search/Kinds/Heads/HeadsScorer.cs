using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Data.Text;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Heads;

/// <summary>What one policy scores: perplexity and next-token accuracy, and, when the job asks, passkey retrieval.</summary>
public sealed record HeadsScore(TextEvaluation Text, PasskeyRetrieval? Retrieval);

/// <summary>
/// Scores an attention-pattern job's candidates: the trained language model runs with each candidate's patterns
/// (<see cref="SpecNetwork.Sparsify"/>) on validation windows made into tensors once; the reward is
/// -0.1 x ln(perplexity / dense perplexity), as for serving formats, and with passkey windows also
/// -0.1 x (dense's share of key digits retrieved - the candidate's): losing a tenth of the digits weighs as much as
/// a tenth more perplexity. A candidate's accuracy is its next-token accuracy and its MACs those of the spec with its patterns.
/// </summary>
public sealed class HeadsScorer : ICandidateScorer
{
    public const double RewardScale = 0.1;

    private readonly TokenBatches _validation;
    private readonly TokenBatches _test;
    private readonly IReadOnlyList<PasskeyWindow> _validationKeys;
    private readonly IReadOnlyList<PasskeyWindow> _testKeys;

    private HeadsScorer(HeadsPlan plan, SavedModel baseModel, SpecNetwork network, TokenBatches validation, TokenBatches test,
        IReadOnlyList<PasskeyWindow> validationKeys, IReadOnlyList<PasskeyWindow> testKeys)
    {
        BaseModel = baseModel;
        Network = network;
        _validation = validation;
        _test = test;
        _validationKeys = validationKeys;
        _testKeys = testKeys;
        var s = plan.Sparsity;
        Cost = new HeadsCost(plan.BaseSpec, plan.Constraint.Metric, plan.Constraint.Target, s.Context, s.Batch);
        Dense = Validate(null);
        Space = new HeadPatternSpace(plan.BaseSpec, s.ParsedPatterns, s.Context, Cost.Of, plan.Constraint.Limit, LossAlone);
    }

    public SavedModel BaseModel { get; }

    public SpecNetwork Network { get; }

    public HeadPatternSpace Space { get; }

    public HeadsCost Cost { get; }

    /// <summary>Every head dense, on the validation windows.</summary>
    public HeadsScore Dense { get; }

    /// <summary>Trains the base model first if the cache does not hold it.</summary>
    public static HeadsScorer Create(HeadsPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation)
    {
        var baseModel = BaseModelInputs.Load(plan, folder, logger, cancellation);
        var network = baseModel.CreateNetwork();
        var corpus = DatasetCatalog.LoadText(plan.Dataset, folder);
        int context = plan.BaseSpec.Input.Width, tests = plan.Sparsity.TestSamples;
        var validation = new TokenBatches(corpus.Validation, context, TokenWindows.Spread(corpus.Validation, context, plan.Sparsity.ValidationSamples));
        var test = new TokenBatches(corpus.Test, context, tests == 0 ? TokenWindows.Tiling(corpus.Test, context) : TokenWindows.Spread(corpus.Test, context, tests));
        int keys = plan.Sparsity.Passkeys;
        return new HeadsScorer(plan, baseModel, network, validation, test,
            keys == 0 ? [] : PasskeyTask.Spread(corpus.Validation, context, keys, seed: 1), keys == 0 ? [] : PasskeyTask.Spread(corpus.Test, context, keys, seed: 2));
    }

    public IReadOnlyList<PolicyEntry> Describe(IReadOnlyList<double> actions)
    {
        var rungs = Space.RungsFor(actions);
        return [.. rungs.Select((rung, step) => new PolicyEntry(Space.Names[step], Choice: Space.Ladder(step)[rung]))];
    }

    public CandidateResult Score(int index, IReadOnlyList<double> actions, double? bar = null)
    {
        var policy = Space.PolicyFor(actions);
        var score = Validate(policy);
        var analysis = SpecWith(Space.Spec, policy).Analyze();
        return new CandidateResult(index, score.Text.Accuracy, analysis.Macs, analysis.Params, Cost.Of(policy), Reward(score), Describe(actions), Metrics(score, ""));
    }

    /// <summary>A score's figures as a result's metrics, named with <paramref name="prefix"/> (<c>perplexity</c>, <c>retrieval</c>, <c>retrievalDigits</c>).</summary>
    public static Dictionary<string, double> Metrics(HeadsScore score, string prefix)
    {
        string Name(string metric) => prefix == "" ? metric : prefix + char.ToUpperInvariant(metric[0]) + metric[1..];
        var metrics = new Dictionary<string, double> { [Name("perplexity")] = score.Text.Perplexity };
        if (score.Retrieval is { } retrieval)
        {
            metrics[Name("retrieval")] = retrieval.Accuracy;
            metrics[Name("retrievalDigits")] = retrieval.DigitAccuracy;
        }
        return metrics;
    }

    /// <summary>A policy (null: every head dense) on the test windows.</summary>
    public HeadsScore Test(IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>? policy) => Evaluate(policy, _test, _testKeys);

    public double Reward(HeadsScore score) =>
        -RewardScale * Math.Log(score.Text.Perplexity / Dense.Text.Perplexity)
        - RewardScale * ((Dense.Retrieval?.DigitAccuracy ?? 0) - (score.Retrieval?.DigitAccuracy ?? 0));

    /// <summary>The spec with each attention layer's patterns in it (<see cref="LayerSpec.Heads"/>).</summary>
    public static ModelSpec SpecWith(ModelSpec spec, IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>> policy) => spec with
    {
        Layers = [.. spec.Layers.Select(l => policy.TryGetValue(l.Name, out var heads) && heads.Any(h => h is not DensePattern)
            ? l with { Heads = [.. heads.Select(h => h.Name)] }
            : l)],
    };

    private HeadsScore Validate(IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>? policy) => Evaluate(policy, _validation, _validationKeys);

    private HeadsScore Evaluate(IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>? policy, TokenBatches text, IReadOnlyList<PasskeyWindow> keys)
    {
        Network.Sparsify(policy);
        return new HeadsScore(text.Evaluate(Network.forward), keys.Count == 0 ? null : PasskeyRetrieval.Of(Network.forward, keys));
    }

    // The importance recipe's measurement: the reward lost with only this head at its sparsest.
    private double LossAlone(HeadPatternSpace space, int step)
    {
        var rungs = new int[space.Steps];
        rungs[step] = space.Rungs(step) - 1;
        return -Reward(Validate(space.PolicyOf(rungs)));
    }

    public void Dispose()
    {
        _validation.Dispose();
        _test.Dispose();
        Network.Dispose();
    }
}
