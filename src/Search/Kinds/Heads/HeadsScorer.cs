using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Heads;

/// <summary>
/// Scores an attention-pattern job's candidates: the trained language model runs with each candidate's patterns
/// (<see cref="SpecNetwork.Sparsify"/>) on validation windows made into tensors once; the reward is
/// -0.1 x ln(perplexity / dense perplexity), as for serving formats. A candidate's accuracy is its next-token accuracy
/// and its MACs those of the spec with its patterns.
/// </summary>
public sealed class HeadsScorer : ICandidateScorer
{
    public const double RewardScale = 0.1;

    private readonly TokenBatches _validation;
    private readonly TokenBatches _test;

    private HeadsScorer(HeadsPlan plan, SavedModel baseModel, SpecNetwork network, TokenBatches validation, TokenBatches test)
    {
        BaseModel = baseModel;
        Network = network;
        _validation = validation;
        _test = test;
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
    public TextEvaluation Dense { get; }

    /// <summary>Trains the base model first if the cache does not hold it.</summary>
    public static HeadsScorer Create(HeadsPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation)
    {
        var baseModel = BaseModelInputs.Load(plan, folder, logger, cancellation);
        var network = baseModel.CreateNetwork();
        var corpus = DatasetCatalog.LoadText(plan.Dataset, folder);
        int context = plan.BaseSpec.Input.Width, tests = plan.Sparsity.TestSamples;
        var validation = new TokenBatches(corpus.Validation, context, TokenWindows.Spread(corpus.Validation, context, plan.Sparsity.ValidationSamples));
        var test = new TokenBatches(corpus.Test, context, tests == 0 ? TokenWindows.Tiling(corpus.Test, context) : TokenWindows.Spread(corpus.Test, context, tests));
        return new HeadsScorer(plan, baseModel, network, validation, test);
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
        return new CandidateResult(index, score.Accuracy, analysis.Macs, analysis.Params, Cost.Of(policy), Reward(score), Describe(actions),
            new Dictionary<string, double> { ["perplexity"] = score.Perplexity });
    }

    /// <summary>A policy (null: every head dense) on the test windows.</summary>
    public TextEvaluation Test(IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>? policy)
    {
        Network.Sparsify(policy);
        return _test.Evaluate(Network.forward);
    }

    public double Reward(TextEvaluation score) => -RewardScale * Math.Log(score.Perplexity / Dense.Perplexity);

    /// <summary>The spec with each attention layer's patterns in it (<see cref="LayerSpec.Heads"/>).</summary>
    public static ModelSpec SpecWith(ModelSpec spec, IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>> policy) => spec with
    {
        Layers = [.. spec.Layers.Select(l => policy.TryGetValue(l.Name, out var heads) && heads.Any(h => h is not DensePattern)
            ? l with { Heads = [.. heads.Select(h => h.Name)] }
            : l)],
    };

    private TextEvaluation Validate(IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>? policy)
    {
        Network.Sparsify(policy);
        return _validation.Evaluate(Network.forward);
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
