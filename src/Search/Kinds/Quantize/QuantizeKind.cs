using System.Diagnostics;
using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Pareto;
using AutoDesign.Search.Quantization;
using AutoDesign.Search.Recovery;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Quantize;

/// <summary>
/// Mixed precision (HAQ): the agent proposes per-layer weight and activation bits under a budget on a hardware target
/// (or on model size), each policy is calibrated, briefly fine-tuned with quantization in the loop and scored (see
/// <see cref="QuantizeScorer"/>). The best policy's network is tested and saved; where ONNX Runtime can run it (int8),
/// its measured latency is reported beside the simulated one.
/// </summary>
public sealed class QuantizeKind : JobKind<QuantizeSpec, QuantizePlan>
{
    // A quantization budget is relative to the W8A8 model, as in HAQ.
    private static readonly ModelJobChecks.ConstraintRules Rules = new(["latency", "energy", "size"], CostMetric.Size, Required: true,
        Reference: PrecisionPolicy.Uniform(8, 8), DefaultNoiseDecay: 0.99, PaperWarmupEpisodes: 20);

    public override string Name => "quantize";

    public override string Title => "quantize (HAQ: bits per layer)";

    public override string Description => "The weight and activation bits of each layer of a trained model, under a latency, energy or size budget relative to W8A8.";

    public override IReadOnlyList<string> Agents { get; } = ["ddpg", "fixed", "random"];

    public override IReadOnlyList<FormField> Form { get; } = ModelJobForm.Fields(Rules, "latency", "bitfusion", [ModelJobForm.RecoveryEpochs]);

    protected override QuantizePlan Plan(QuantizeSpec spec, DataFolder folder)
    {
        var errors = new SpecErrors();
        var job = ModelJobChecks.Check(spec, this, Rules, folder, errors, recovers: true);
        var quantization = spec.Quantization ?? new QuantizationSettings();
        foreach (var (field, reason) in quantization.Problems()) errors.Add($"quantization.{field}", reason);
        for (int i = 0; i < quantization.ReportTargets.Count; i++)
            errors.Try($"quantization.reportTargets[{i}]", () => HardwareTargets.Resolve(quantization.ReportTargets[i], folder));
        if (job is not null && errors.Count == 0)
            errors.Try(ModelJobChecks.LimitField(spec.Constraint), () => Space(job.Model, job.Metric, job.Constraint.Limit, quantization));
        errors.ThrowIfAny();
        return new QuantizePlan
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
            Recovery = job.Recovery,
            Quantization = quantization,
        };
    }

    /// <summary>HAQ's space of two bit-widths per layer with weights, the constraint's walk-back included.</summary>
    internal static QuantizationSpace Space(ModelSpec model, CostMetric metric, double? limit, QuantizationSettings q) =>
        new(model, p => metric.Of(model, p), limit, q.MinBits, q.MaxBits, q.KeepFirstAndLast, costCountsActivations: metric != CostMetric.Size);

    protected override JobSummary Summarize(QuantizePlan plan) => plan.Summary();

    protected override IReadOnlyList<string> Prepare(QuantizePlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) =>
        BaseModelInputs.Prepare(plan, folder, logger, cancellation);

    protected override ICandidateScorer CreateScorer(QuantizePlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) =>
        QuantizeScorer.Create(plan, folder, logger, cancellation);

    protected override CandidateNetwork NetworkOf(QuantizePlan plan, CandidateResult candidate, DataFolder folder) => new(plan.BaseSpec, PolicyOf(candidate));

    protected override async Task<SearchResult> RunAsync(QuantizePlan plan, JobContext context)
    {
        var clock = Stopwatch.StartNew();
        var logger = context.Logger;
        using var scorer = QuantizeScorer.Create(plan, context.Folder, logger, context.Cancellation);
        var (evaluator, space, model, metric) = (scorer.Evaluator, scorer.Space, plan.BaseSpec, scorer.Metric);
        logger.LogInformation("Quantizing {Model} (float validation accuracy {Accuracy:P2} on {Images:N0} images, {Calibration} calibration) with {Agent}; " +
                              "budget {Budget:G4} {Unit} ({Ratio:P0} of W8A8)",
            plan.Model, evaluator.FloatAccuracy, evaluator.ValidationImages, plan.Quantization.Calibration, plan.Agent, plan.Constraint.Limit, metric.Unit,
            plan.Constraint.Limit / space.ReferenceCost);

        var agent = SearchAgents.Create(plan.Agent, space, new AgentSettings(plan.Seed)
        {
            Ddpg = new() { WarmupEpisodes = plan.WarmupEpisodes, InitialNoise = plan.InitialNoise, NoiseDecay = plan.NoiseDecay },
        });
        try
        {
            var loop = await SearchLoop.RunAsync(agent, plan.CandidateCount(), plan.Batch, scorer, context.Evaluations ?? new LocalEvaluations(scorer),
                context.Journal, plan.Constraint.Limit, context.Progress, context.Cancellation);
            var candidates = loop.Candidates;

            var front = ParetoFront.Points(candidates, c => c.ConstrainedValue);
            var target = (metric as CostMetric.OnTarget)?.Target;
            var analysis = model.Analyze();
            return new SearchResult(
                new BaseMetrics(plan.Model, plan.Dataset, scorer.BaseModel.Directory, evaluator.FloatAccuracy, scorer.BaseModel.Card.TestAccuracy, analysis.Macs, analysis.Params),
                new ConstraintResult(metric.Name, metric.Unit, target?.Name, target?.Kind.ToString().ToLowerInvariant(), plan.Constraint.Ratio),
                plan.Constraint.Limit,
                Finish(plan, candidates, front, scorer, context, logger),
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

    private static PrecisionPolicy PolicyOf(CandidateResult candidate) =>
        new(new Precision(QuantizationSpace.KeptBits, QuantizationSpace.KeptBits),
            candidate.Policy.ToDictionary(p => p.Layer, p => new Precision(
                p.WBits ?? throw new InvalidOperationException($"candidate {candidate.Index} has no bits for {p.Layer}"), p.ABits!.Value)));

    private static BestResult Finish(QuantizePlan plan, IReadOnlyList<CandidateResult> candidates, IReadOnlyList<ParetoPoint> front, QuantizeScorer scorer,
        JobContext context, ILogger logger)
    {
        var candidate = candidates.MaxBy(c => c.Reward)!;
        var (evaluator, data, baseModel) = (scorer.Evaluator, scorer.Data, scorer.BaseModel);
        var policy = PolicyOf(candidate);
        using var network = evaluator.Quantized(policy);
        double testAccuracy = Evaluation.Of(network, data.Test, baseModel.Card.Mean, baseModel.Card.Std).Accuracy;
        RecoveryResult? recovered = null;
        IReadOnlyList<EpochReport> history = [];
        if (plan.Recovery is { } recovery)
        {
            var recoverer = DesignRecovery.ForImages(recovery, plan.BaseTraining, plan.Seed, data, baseModel.Card.Mean, baseModel.Card.Std, scorer.Network,
                context.RecoveryDirectory, logger);
            (recovered, history) = recoverer.Recover(network, candidate.Index, testAccuracy, front,
                i => evaluator.Quantized(PolicyOf(candidates.First(c => c.Index == i))), context.Cancellation);
        }
        string saved = "";
        if (context.BestModelDirectory != "")
        {
            var card = baseModel.Card.Derive($"{plan.Model} quantized", network, recovered?.TestAccuracy ?? testAccuracy, candidate.Accuracy) with
            {
                Precision = policy,
                Quantization = network.Quantization,
                History = history,
            };
            saved = SavedModel.Save(context.BestModelDirectory, network, card).Directory;
        }

        // What a deployment runtime does with the policy: ONNX Runtime runs the layers at 8 bits or fewer as int8.
        var runtime = new OnnxRuntimeTarget();
        var measured = new Dictionary<string, double>
        {
            ["latencyMs@onnxruntime-cpu float32 (measured)"] = runtime.Measure(plan.BaseSpec).Latency.Value,
            ["latencyMs@onnxruntime-cpu int8 where <= 8 bits (measured)"] = runtime.Measure(plan.BaseSpec, policy).Latency.Value,
        };
        logger.LogInformation("Best candidate {Index}: validation accuracy {Accuracy:P2} (float {Float:P2}), test accuracy {Test:P2}{Recovered}, {Cost:G4} {Unit}; saved to {Directory}",
            candidate.Index, candidate.Accuracy, evaluator.FloatAccuracy, testAccuracy, recovered is { } r ? $" ({r.TestAccuracy:P2} after {r.Epochs} epochs of recovery)" : "",
            candidate.ConstrainedValue, scorer.Metric.Unit, saved);
        return new BestResult(candidate.Index, candidate.Accuracy, candidate.Flops, candidate.Params, candidate.ConstrainedValue, candidate.Policy,
            testAccuracy, 0, null, saved, candidate.Metrics, measured, recovered);
    }
}
