using System.Diagnostics;
using AutoDesign.Contracts;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Data.Text;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Recovery;

/// <summary>
/// Recovery training of a job's designs: each is fine-tuned by its base model's training loop at the plan's epochs and
/// rate, learning from the labels (the next tokens) and from a teacher's outputs (a quantized design keeps its fake
/// quantization, so it trains with quantization in the loop at its bits), and tested before and after. With a
/// directory, each design's training keeps a checkpoint there after every epoch and a rerun of the job picks up after
/// the last one; a checkpoint of another design (another spec, bits or plan under the same candidate index) is
/// discarded, not resumed.
/// </summary>
public sealed class DesignRecovery
{
    private readonly RecoveryPlan _plan;
    private readonly Func<SpecNetwork, double> _test;
    private readonly Func<SpecNetwork, string?, CancellationToken, IReadOnlyList<EpochReport>> _train;
    private readonly string _directory;
    private readonly ILogger _logger;

    private DesignRecovery(RecoveryPlan plan, Func<SpecNetwork, double> test, Func<SpecNetwork, string?, CancellationToken, IReadOnlyList<EpochReport>> train,
        string directory, ILogger logger) => (_plan, _test, _train, _directory, _logger) = (plan, test, train, directory, logger);

    /// <summary>An image classifier's designs, trained on <paramref name="data"/> and tested on its test split (top-1 accuracy).</summary>
    public static DesignRecovery ForImages(RecoveryPlan plan, TrainingOptions baseTraining, int seed, Dataset data, float[] mean, float[] std, SpecNetwork teacher,
        string directory, ILogger logger) =>
        new(plan, network => Evaluation.Of(network, data.Test, mean, std).Accuracy,
            (design, checkpoints, cancellation) => new Trainer(logger).Train(design, data, plan.Training(baseTraining, seed), checkpoints, cancellation: cancellation,
                distillation: Distill(plan, teacher)),
            directory, logger);

    /// <summary>A language model's designs, trained on the corpus's training stream and tested by <paramref name="test"/> (next-token accuracy).</summary>
    public static DesignRecovery ForText(RecoveryPlan plan, TrainingOptions baseTraining, int seed, TextCorpus corpus, Func<SpecNetwork, double> test, SpecNetwork teacher,
        string directory, ILogger logger) =>
        new(plan, test,
            (design, checkpoints, cancellation) => new LanguageModelTrainer(logger).Train(design, corpus, plan.Training(baseTraining, seed), checkpoints,
                cancellation: cancellation, distillation: Distill(plan, teacher)),
            directory, logger);

    /// <summary>
    /// Recovers the best design (in place: the caller saves it) and the plan's count of other front points, most
    /// accurate first (each built by <paramref name="build"/> and disposed here).
    /// </summary>
    public (RecoveryResult Result, IReadOnlyList<EpochReport> History) Recover(SpecNetwork best, int bestIndex, double bestBefore,
        IEnumerable<ParetoPoint> front, Func<int, SpecNetwork> build, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var history = Train(best, bestIndex, cancellation);
        double after = _test(best);
        double seconds = clock.Elapsed.TotalSeconds;
        var points = new List<RecoveredPoint>();
        foreach (var point in front.Where(p => p.Index != bestIndex).OrderByDescending(p => p.Accuracy).ThenBy(p => p.Index).Take(_plan.Front))
        {
            using var network = build(point.Index);
            double before = _test(network);
            try
            {
                Train(network, point.Index, cancellation);
                points.Add(new RecoveredPoint(point.Index, before, _test(network)));
            }
            catch (TrainingDivergedException e) // a point only reported does not fail the job
            {
                _logger.LogWarning("Recovery of front point {Index} diverged: {Reason}", point.Index, e.Message);
            }
        }
        _logger.LogInformation("Recovery: candidate {Index}'s test accuracy {Before:P2} -> {After:P2}{Front}", bestIndex, bestBefore, after,
            string.Concat(points.Select(p => $"; candidate {p.Index}: {p.TestAccuracyBefore:P2} -> {p.TestAccuracy:P2}")));
        return (new RecoveryResult(_plan.Epochs, _plan.LearningRate, _plan.Distillation, bestBefore, after, seconds, _plan.Front > 0 ? points : null), history);
    }

    private IReadOnlyList<EpochReport> Train(SpecNetwork design, int index, CancellationToken cancellation)
    {
        _logger.LogInformation("Recovering candidate {Index}: {Epochs} epochs at rate {Rate:G3}, distillation weight {Weight:G3}", index, _plan.Epochs, _plan.LearningRate,
            _plan.Distillation);
        return _train(design, _directory == "" ? null : CheckpointsOf(design, index), cancellation);
    }

    // The candidate's checkpoint folder, emptied when it holds another design's training.
    private string CheckpointsOf(SpecNetwork design, int index)
    {
        string folder = Path.Combine(_directory, $"candidate-{index}"), keyFile = Path.Combine(folder, "design.txt");
        string key = $"{design.Spec.ContentHash()} {_plan} " +
                     string.Join(",", (design.Quantization ?? new Dictionary<string, Modeling.Quantization.LayerQuantization>()).OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value}"));
        if (Directory.Exists(folder) && (!File.Exists(keyFile) || File.ReadAllText(keyFile) != key)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        File.WriteAllText(keyFile, key);
        return folder;
    }

    private static Distillation? Distill(RecoveryPlan plan, SpecNetwork teacher) => plan.Distillation > 0 ? new Distillation(teacher, plan.Distillation) : null;
}
