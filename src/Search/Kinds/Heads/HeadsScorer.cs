using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Data.Text;
using AutoDesign.Modeling.Data.Video;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace AutoDesign.Search.Kinds.Heads;

/// <summary>
/// What one policy scores: its <paramref name="Measure"/> (<c>perplexity</c> for a language model, <c>error</c>, the
/// next frame's mean squared error per pixel, for a video model; lower is better), an accuracy (next-token accuracy;
/// for video the skill over copying the last frame, 1 - error / copy-last error), and, when the job asks, passkey retrieval.
/// </summary>
public sealed record HeadsScore(string Measure, double Value, double Accuracy, PasskeyRetrieval? Retrieval = null);

/// <summary>
/// Scores an attention-pattern job's candidates: the trained model runs with each candidate's patterns
/// (<see cref="SpecNetwork.Sparsify"/>) on validation windows (made into tensors once) or clips; the reward is
/// -0.1 x ln(perplexity or error / dense's), as for serving formats, and with passkey windows also
/// -0.1 x (dense's share of key digits retrieved - the candidate's): losing a tenth of the digits weighs as much as
/// a tenth more perplexity. A candidate's MACs are those of the spec with its patterns.
/// </summary>
public sealed class HeadsScorer : ICandidateScorer
{
    public const double RewardScale = 0.1;

    /// <summary>Validation clips the <c>profiling</c> agent's online profiling runs on.</summary>
    public const int CalibrationClips = 64;

    private readonly Func<HeadsScore> _validate;
    private readonly Func<HeadsScore> _test;
    private readonly IDisposable? _data;

    private HeadsScorer(HeadsPlan plan, SavedModel baseModel, SpecNetwork network, Func<HeadsScore> validate, Func<HeadsScore> test, IDisposable? data,
        Func<HeadPatternSpace, IReadOnlyList<int>>? profiled)
    {
        BaseModel = baseModel;
        Network = network;
        _validate = validate;
        _test = test;
        _data = data;
        var s = plan.Sparsity;
        Cost = new HeadsCost(plan.BaseSpec, plan.Constraint.Metric, plan.Constraint.Target, s.Context, s.Batch);
        Dense = Validate(null);
        Space = new HeadPatternSpace(plan.BaseSpec, s.PatternsFor(plan.BaseSpec), s.Context, Cost.Of, plan.Constraint.Limit, LossAlone, profiled);
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
        var s = plan.Sparsity;
        if (plan.BaseSpec.Input.IsVideo)
        {
            var clips = DatasetCatalog.LoadVideo(plan.Dataset, folder);
            int patch = plan.BaseSpec.Input.Patch!.Value;
            HeadsScore Score(MovingMnist set, int count)
            {
                var video = VideoEvaluation.Of(network.forward, set, count, patch);
                return new HeadsScore("error", video.Error, 1 - video.Error / video.CopyLastError);
            }
            // Sparse VideoGen's profiling, for the agent that asks for it: one pass over up to 64 validation clips.
            IReadOnlyList<int> Profiled(HeadPatternSpace space)
            {
                using var scope = NewDisposeScope();
                var calibration = NextFrameBatches.Batch(clips.Validation, NextFrameBatches.Range(0, Math.Min(CalibrationClips, clips.ValidationClips)), patch).Inputs;
                return space.RungsOf(new OnlineProfiling().Profile(network, calibration));
            }
            return new HeadsScorer(plan, baseModel, network, () => Score(clips.Validation, Math.Min(s.ValidationSamples, clips.ValidationClips)),
                () => Score(clips.Test, s.TestSamples == 0 ? clips.TestClips : Math.Min(s.TestSamples, clips.TestClips)), null, Profiled);
        }

        var corpus = DatasetCatalog.LoadText(plan.Dataset, folder);
        int context = plan.BaseSpec.Input.Width;
        var validation = new TokenBatches(corpus.Validation, context, TokenWindows.Spread(corpus.Validation, context, s.ValidationSamples));
        var test = new TokenBatches(corpus.Test, context, s.TestSamples == 0 ? TokenWindows.Tiling(corpus.Test, context) : TokenWindows.Spread(corpus.Test, context, s.TestSamples));
        var validationKeys = s.Passkeys == 0 ? [] : PasskeyTask.Spread(corpus.Validation, context, s.Passkeys, seed: 1);
        var testKeys = s.Passkeys == 0 ? [] : PasskeyTask.Spread(corpus.Test, context, s.Passkeys, seed: 2);
        HeadsScore Text(TokenBatches windows, IReadOnlyList<PasskeyWindow> keys)
        {
            var text = windows.Evaluate(network.forward);
            return new HeadsScore("perplexity", text.Perplexity, text.Accuracy, keys.Count == 0 ? null : PasskeyRetrieval.Of(network.forward, keys));
        }
        return new HeadsScorer(plan, baseModel, network, () => Text(validation, validationKeys), () => Text(test, testKeys), new Both(validation, test), null);
    }

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
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
        var analysis = HeadPolicies.SpecWith(Space.Spec, policy).Analyze();
        return new CandidateResult(index, score.Accuracy, analysis.Macs, analysis.Params, Cost.Of(policy), Reward(score), Describe(actions), Metrics(score, ""));
    }

    /// <summary>A score's figures as a result's metrics, named with <paramref name="prefix"/> (<c>perplexity</c> or <c>error</c>, <c>retrieval</c>, <c>retrievalDigits</c>).</summary>
    public static Dictionary<string, double> Metrics(HeadsScore score, string prefix)
    {
        string Name(string metric) => prefix == "" ? metric : prefix + char.ToUpperInvariant(metric[0]) + metric[1..];
        var metrics = new Dictionary<string, double> { [Name(score.Measure)] = score.Value };
        if (score.Retrieval is { } retrieval)
        {
            metrics[Name("retrieval")] = retrieval.Accuracy;
            metrics[Name("retrievalDigits")] = retrieval.DigitAccuracy;
        }
        return metrics;
    }

    /// <summary>A policy (null: every head dense) on the test windows.</summary>
    public HeadsScore Test(IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>? policy) => Evaluate(policy, _test);

    public double Reward(HeadsScore score) =>
        -RewardScale * Math.Log(score.Value / Dense.Value)
        - RewardScale * ((Dense.Retrieval?.DigitAccuracy ?? 0) - (score.Retrieval?.DigitAccuracy ?? 0));

    private HeadsScore Validate(IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>? policy) => Evaluate(policy, _validate);

    private HeadsScore Evaluate(IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>? policy, Func<HeadsScore> score)
    {
        Network.Sparsify(policy);
        return score();
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
        _data?.Dispose();
        Network.Dispose();
    }
}
