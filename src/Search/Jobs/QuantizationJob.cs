using System.Diagnostics;
using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Agents.Ddpg;
using AutoDesign.Search.Pareto;
using AutoDesign.Search.Pruning;
using AutoDesign.Search.Quantization;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// Runs a mixed-precision job (HAQ) in-process: the agent proposes per-layer weight and activation bits under a
/// budget on a hardware target (or on model size), each policy is calibrated, briefly fine-tuned with quantization in
/// the loop and scored (see <see cref="QuantizationScorer"/>). The best policy's network is
/// tested and saved; where ONNX Runtime can run it (int8), its measured latency is reported beside the simulated one.
/// </summary>
public sealed class QuantizationJob(DataFolder folder, ILogger logger)
{
    public SearchResult Run(JobSpec spec, string bestModelDirectory, Action<SearchProgress>? progress = null, CancellationToken cancellation = default,
        IJobJournal? journal = null, IEvaluationPool? evaluations = null)
    {
        var clock = Stopwatch.StartNew();
        using var scorer = QuantizationScorer.Create(spec, folder, logger, cancellation);
        var (job, evaluator, space, model) = (scorer.Job, scorer.Evaluator, scorer.Space, scorer.Job.Model!);
        var metric = job.Metric!;
        logger.LogInformation("Quantizing {Model} (float validation accuracy {Accuracy:P2} on {Images:N0} images, {Calibration} calibration) with {Agent}; " +
                              "budget {Budget:G4} {Unit} ({Ratio:P0} of W8A8)",
            spec.Model, evaluator.FloatAccuracy, evaluator.ValidationImages, job.Quantization.Calibration, spec.Agent, job.BudgetLimit, metric.Unit,
            job.BudgetLimit / space.ReferenceCost);

        var agent = CreateAgent(job, space);
        try
        {
            int episodes = agent is UniformAgent ? 1 : job.Episodes; // the fixed bit-width is a single policy
            var loop = SearchLoop.Run(agent, episodes, job.BatchSize, scorer, evaluations ?? new LocalEvaluations(scorer),
                journal ?? NoJournal.Instance, job.BudgetLimit, progress, cancellation);
            var candidates = loop.Candidates;

            var best = candidates.MaxBy(c => c.Reward)!;
            var front = ParetoFront.Of([.. candidates.Select(c => (c.Accuracy, c.ConstrainedValue))])
                .Select(i => new ParetoPoint(candidates[i].Index, candidates[i].Accuracy, candidates[i].Flops, candidates[i].Params, candidates[i].ConstrainedValue)).ToList();
            var target = (metric as CostMetric.OnTarget)?.Target;
            return new SearchResult(
                spec,
                new BaseMetrics(spec.Model!, spec.Dataset!, scorer.BaseModel.Directory, evaluator.FloatAccuracy, scorer.BaseModel.Card.TestAccuracy, model.Analyze().Macs, model.Analyze().Params),
                new ConstraintResult(metric.Name, metric.Unit, target?.Name, target?.Kind.ToString().ToLowerInvariant(), spec.Constraint?.Ratio),
                job.BudgetLimit,
                Finish(job, best, space, evaluator, scorer.Data, scorer.BaseModel, bestModelDirectory),
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

    private static ISearchAgent CreateAgent(ValidJob job, QuantizationSpace space) => job.Spec.Agent switch
    {
        "fixed" => new UniformAgent(space),
        "random" => new RandomAgent(space, job.Spec.Seed),
        _ => new DdpgAgent(space, new DdpgOptions
        {
            WarmupEpisodes = job.WarmupEpisodes,
            Seed = job.Spec.Seed,
            InitialNoise = job.Spec.Ddpg?.InitialNoise ?? 0.5,
            NoiseDecay = job.Spec.Ddpg?.NoiseDecay ?? 0.99, // HAQ's
        }),
    };

    private BestResult Finish(ValidJob job, CandidateResult candidate, QuantizationSpace space, QuantizationEvaluator evaluator, Dataset data,
        SavedModel baseModel, string directory)
    {
        var policy = new PrecisionPolicy(new Precision(QuantizationSpace.KeptBits, QuantizationSpace.KeptBits),
            candidate.Policy.ToDictionary(p => p.Layer, p => new Precision(p.WBits!.Value, p.ABits!.Value)));
        using var network = evaluator.Quantized(policy);
        double testAccuracy = Evaluation.Of(network, data.Test, baseModel.Card.Mean, baseModel.Card.Std).Accuracy;
        var card = baseModel.Card.Derive($"{job.Spec.Model} quantized", network, testAccuracy, candidate.Accuracy) with { Precision = policy };
        var saved = SavedModel.Save(directory, network, card);

        // What a deployment runtime does with the policy: ONNX Runtime runs the layers at 8 bits or fewer as int8.
        var runtime = new OnnxRuntimeTarget();
        var measured = new Dictionary<string, double>
        {
            ["latencyMs@onnxruntime-cpu float32 (measured)"] = runtime.Measure(space.Spec).Latency.Value,
            ["latencyMs@onnxruntime-cpu int8 where <= 8 bits (measured)"] = runtime.Measure(space.Spec, policy).Latency.Value,
        };
        logger.LogInformation("Best candidate {Index}: validation accuracy {Accuracy:P2} (float {Float:P2}), test accuracy {Test:P2}, {Cost:G4} {Unit}; saved to {Directory}",
            candidate.Index, candidate.Accuracy, evaluator.FloatAccuracy, testAccuracy, candidate.ConstrainedValue, job.Metric!.Unit, saved.Directory);
        return new BestResult(candidate.Index, candidate.Accuracy, candidate.Flops, candidate.Params, candidate.ConstrainedValue, candidate.Policy,
            testAccuracy, 0, null, saved.Directory, candidate.Metrics, measured);
    }
}
