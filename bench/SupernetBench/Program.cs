using System.Diagnostics;
using System.Globalization;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Modeling.Torch;
using AutoDesign.Search.Architecture.Predictor;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

// The Once-for-All benchmark on Fashion-MNIST: progressive shrinking of the default super-network, once with
// knowledge distillation from the full network and once without (both continue the same full phase), the accuracy
// of the largest, the smallest and random sub-networks of each, then a few hundred measured sub-networks and the
// MLP and FastTree accuracy predictors fitted on them. Every figure is measured in this run; checkpoints make a
// killed run continue where it stopped.
//
//   dotnet run -c Release --project bench/SupernetBench [-- --quick] [--train-limit N] [--full-epochs N] [--elastic-epochs N]
//       [--samples N] [--out DIR]
TorchRuntime.EnsureInitialized();
string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int IntArg(string name, int fallback) => Arg(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
bool quick = args.Contains("--quick");
int trainLimit = IntArg("--train-limit", quick ? 1_000 : 12_000);
int sampleCount = IntArg("--samples", quick ? 20 : 200);
int fullEpochs = IntArg("--full-epochs", quick ? 1 : 3);
int elasticEpochs = IntArg("--elastic-epochs", 1);
var folder = DataFolder.Default();
string output = Arg("--out") ?? Path.Combine(folder.Root, "supernets", quick ? "bench-quick" : "bench");
Directory.CreateDirectory(output);

using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(LogLevel.Information));
var logger = logging.CreateLogger("supernet-bench");
var data = DatasetCatalog.Load("fashion-mnist", folder);
var layout = SupernetLayout.Small(data.Info.Shape, data.Info.Classes);

var elastic = new PhaseOptions { Epochs = elasticEpochs, LearningRate = 0.03 };
var withDistillation = new ShrinkingOptions
{
    Full = new PhaseOptions { Epochs = fullEpochs, LearningRate = 0.1 },
    ElasticKernel = elastic with { Distillation = 1 },
    ElasticDepth = elastic with { SubnetsPerStep = 2, Distillation = 1 },
    ElasticExpansion = elastic with { SubnetsPerStep = 2, Distillation = 1 },
    TrainLimit = trainLimit,
    ValidationLimit = quick ? 500 : 2_000,
    RecalibrationImages = quick ? 500 : 1_000,
};
var withoutDistillation = withDistillation with
{
    ElasticKernel = withDistillation.ElasticKernel with { Distillation = 0 },
    ElasticDepth = withDistillation.ElasticDepth with { Distillation = 0 },
    ElasticExpansion = withDistillation.ElasticExpansion with { Distillation = 0 },
};
var fullOnly = withDistillation with
{
    ElasticKernel = elastic with { Epochs = 0 }, ElasticDepth = elastic with { Epochs = 0 }, ElasticExpansion = elastic with { Epochs = 0 },
};

var trainer = new ProgressiveShrinking(logger);
var clock = Stopwatch.StartNew();
string fullCheckpoint = Path.Combine(output, "full.training");
manual_seed(1);
using (var network = new SuperNetwork(layout)) trainer.Train(network, data, fullOnly, fullCheckpoint);

using var evaluator = new SubnetEvaluator(data, validationLimit: quick ? 500 : 2_000, recalibrationImages: quick ? 500 : 1_000);
var space = new SubnetSpace(layout);
var probe = AccuracySampling.Plan(space, quick ? 6 : 22, seed: 99).Skip(2).ToList(); // random sub-networks beyond the extremes
var variants = new List<(string Name, SavedSupernet Saved, string Directory, double Largest, double Smallest, double RandomMean)>();
foreach (var (name, options) in new[] { ("kd", withDistillation), ("no-kd", withoutDistillation) })
{
    string checkpoint = Path.Combine(output, $"{name}.training");
    if (!Directory.Exists(checkpoint)) CopyDirectory(fullCheckpoint, checkpoint);
    manual_seed(1);
    using var network = new SuperNetwork(layout);
    var history = trainer.Train(network, data, options, checkpoint);
    var saved = new SavedSupernet($"fashion-mnist-{name}", layout, "fashion-mnist", data.Mean, data.Std, options, history);
    string directory = Path.Combine(output, $"supernet-{name}");
    saved.Save(directory, network);
    double largest = evaluator.Evaluate(network, space.Largest).Accuracy;
    double smallest = evaluator.Evaluate(network, space.Smallest).Accuracy;
    double randomMean = probe.Average(c => evaluator.Evaluate(network, c).Accuracy);
    variants.Add((name, saved, directory, largest, smallest, randomMean));
}
double trainingMinutes = clock.Elapsed.TotalMinutes;

Console.WriteLine($"Super-network: {layout.Stages.Count} stages, {layout.BlockCount} blocks, {space.Decisions.Count} decisions, {space.Size:E2} sub-networks; " +
                  $"training images {trainLimit:N0}, wall time {trainingMinutes:F1} min (both variants)");
Console.WriteLine();
Console.WriteLine("| variant | phase | epochs | wall time | train loss | largest (val) | smallest (val) |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var v in variants)
    foreach (var phase in v.Saved.History.GroupBy(h => h.Phase))
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {v.Name} | {phase.Key} | {phase.Count()} | {phase.Sum(h => h.Seconds):F0} s | {phase.Last().TrainLoss:F3} | {phase.Last().LargestAccuracy:P2} | {phase.Last().SmallestAccuracy:P2} |"));
Console.WriteLine();
Console.WriteLine($"| variant | largest | smallest | mean of {probe.Count} random sub-networks | (validation, {evaluator.ValidationImages:N0} images, BN recalibrated) |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var v in variants)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {v.Name} | {v.Largest:P2} | {v.Smallest:P2} | {v.RandomMean:P2} | |"));

var best = variants.OrderByDescending(v => v.RandomMean).First();
Console.WriteLine();
Console.WriteLine($"Sampling and predictors use the '{best.Name}' super-network.");
using var chosen = best.Saved.CreateNetwork(best.Directory);
foreach (var (label, choice) in new[] { ("largest", space.Largest), ("smallest", space.Smallest) })
{
    var model = best.Saved.SaveSubnet(chosen, choice, data, Path.Combine(output, $"subnet-{label}"), recalibrationImages: 2_000);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{label} sub-network: test {model.Card.TestAccuracy:P2}, validation {model.Card.ValidationAccuracy:P2}, {model.Card.Macs:N0} MACs, {model.Card.Params:N0} params; saved to {model.Directory}"));
}

clock.Restart();
var samples = new AccuracySampling(logger).Collect(chosen, evaluator, "fashion-mnist", quick ? 500 : 1_000, sampleCount, Path.Combine(output, "samples"), seed: 1);
double samplingMinutes = clock.Elapsed.TotalMinutes;
var accuracies = samples.Samples.Select(s => s.Accuracy).ToArray();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{samples.Samples.Count} sub-networks measured in {samplingMinutes:F1} min: accuracy {accuracies.Min():P2} .. {accuracies.Max():P2} (mean {accuracies.Average():P2}), " +
    $"MACs {samples.Samples.Min(s => s.Macs):N0} .. {samples.Samples.Max(s => s.Macs):N0}; Spearman(accuracy, MACs) {MathNet.Numerics.Statistics.Correlation.Spearman(accuracies, samples.Samples.Select(s => (double)s.Macs).ToArray()):F3}"));
Console.WriteLine();
Console.WriteLine("| predictor | train | held out | MAE (accuracy points) | Spearman | fit time |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach (ulong seed in new ulong[] { 1, 2, 3 })
    foreach (var q in PredictorComparison.Run(samples, seed))
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {q.Predictor} (split {seed}) | {q.TrainSamples} | {q.HeldOutSamples} | {q.MeanAbsoluteError * 100:F2} | {q.Spearman:F3} | {q.FitSeconds:F1} s |"));

static void CopyDirectory(string from, string to)
{
    Directory.CreateDirectory(to);
    foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
}
