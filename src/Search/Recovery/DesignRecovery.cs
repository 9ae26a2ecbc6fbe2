using System.Diagnostics;
using AutoDesign.Contracts;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Recovery;

/// <summary>
/// Recovery training of an image classifier's designs: each is fine-tuned by the base model's training loop at the
/// plan's epochs and rate, learning from the labels and from <paramref name="teacher"/>'s outputs (a quantized design
/// keeps its fake quantization, so it trains with quantization in the loop at its bits), and tested before and after.
/// With a directory, each design's training keeps a checkpoint there after every epoch and a rerun of the job picks up
/// after the last one.
/// </summary>
public sealed class DesignRecovery(RecoveryPlan plan, TrainingOptions baseTraining, int seed, Dataset data, float[] mean, float[] std, SpecNetwork teacher,
    string directory, ILogger logger)
{
    public RecoveryPlan Plan => plan;

    public double Test(SpecNetwork network) => Evaluation.Of(network, data.Test, mean, std).Accuracy;

    /// <summary>Trains <paramref name="design"/> in place; returns its epochs.</summary>
    public IReadOnlyList<EpochReport> Train(SpecNetwork design, int index, CancellationToken cancellation)
    {
        logger.LogInformation("Recovering candidate {Index}: {Epochs} epochs at rate {Rate:G3}, distillation weight {Weight:G3}", index, plan.Epochs, plan.LearningRate,
            plan.Distillation);
        var distillation = plan.Distillation > 0 ? new Distillation(teacher, plan.Distillation) : null;
        string? checkpoints = directory == "" ? null : Path.Combine(directory, $"candidate-{index}");
        return new Trainer(logger).Train(design, data, plan.Training(baseTraining, seed), checkpoints, cancellation: cancellation, distillation: distillation);
    }

    /// <summary>
    /// Recovers the best design (in place: the caller saves it) and the plan's count of other front points, most
    /// accurate first (each built by <paramref name="build"/> and disposed here).
    /// </summary>
    public (RecoveryResult Result, IReadOnlyList<EpochReport> History) Recover(SpecNetwork best, int bestIndex, double bestBefore,
        IEnumerable<ParetoPoint> front, Func<int, SpecNetwork> build, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var points = new List<RecoveredPoint>();
        foreach (var point in front.Where(p => p.Index != bestIndex).OrderByDescending(p => p.Accuracy).ThenBy(p => p.Index).Take(plan.Front))
        {
            using var network = build(point.Index);
            double before = Test(network);
            Train(network, point.Index, cancellation);
            points.Add(new RecoveredPoint(point.Index, before, Test(network)));
        }
        var history = Train(best, bestIndex, cancellation);
        double after = Test(best);
        logger.LogInformation("Recovery: candidate {Index}'s test accuracy {Before:P2} -> {After:P2}{Front}", bestIndex, bestBefore, after,
            string.Concat(points.Select(p => $"; candidate {p.Index}: {p.TestAccuracyBefore:P2} -> {p.TestAccuracy:P2}")));
        return (new RecoveryResult(plan.Epochs, plan.LearningRate, plan.Distillation, bestBefore, after, clock.Elapsed.TotalSeconds, plan.Front > 0 ? points : null), history);
    }
}
