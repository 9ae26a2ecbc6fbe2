using System.Diagnostics;
using System.Globalization;
using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Modeling.Torch;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Codesign;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Kinds.Quantize;
using AutoDesign.Search.Recovery;
using Microsoft.Extensions.Logging;
// Joint architecture and precision search (APQ) against the sequential pipeline, at equal real evaluations, on
// analytic accelerators and at three latency budgets (shares of the largest sub-network's latency at W8A8):
//   codesign   a codesign job: the quantization-aware predictor, transferred from the full-precision one and fitted
//              on --samples designs measured at their bits, scores --predicted designs; --confirm are measured.
//   uniform B  the same job with every layer at B bits: architecture search at a uniform bit-width.
//   nas+haq    a nas job (the full-precision predictor, --confirm measured) with its budget on the W8A8 latency at
//              --nas-scale times the budget, then a quantize job (HAQ: DDPG over 4..8 bits, --samples episodes)
//              that brings the chosen sub-network under the budget; where no bits can, the nas job runs again at
//              0.8 times the headroom (its confirmations counted again).
// Each method spends --samples + --confirm real evaluations per budget; a predictor's measured designs serve every
// budget and target (the same seed draws the same designs), so they are measured once and counted per run. Every
// final design is recovered alike (--recovery-epochs on --recovery-images training images, distilled at its bits)
// and tested on the test split. Before the table, the predictor study: the quantization-aware predictor fitted on
// the first N measured designs, transferred or from scratch, scored on 50 designs it has not seen.
//
//   dotnet run -c Release --project bench/CodesignBench [-- --supernet fmnist-all] [--targets bitfusion,bismo]
//       [--ratios 0.2,0.3,0.45] [--samples 100] [--confirm 10] [--predicted 2000] [--recovery-epochs 1]
//       [--recovery-images 10000] [--methods codesign,uniform4,uniform8,nas+haq] [--nas-scale 2] [--seed 1] [--no-study]
TorchRuntime.EnsureInitialized();
string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int IntArg(string name, int fallback) => Arg(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
string supernet = Arg("--supernet") ?? "fmnist-all";
var targets = (Arg("--targets") ?? "bitfusion,bismo").Split(',');
var ratios = (Arg("--ratios") ?? "0.2,0.3,0.45").Split(',').Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToArray();
int samples = IntArg("--samples", 100), confirm = IntArg("--confirm", 10), predicted = IntArg("--predicted", 2000), seed = IntArg("--seed", 1);
int recoveryEpochs = IntArg("--recovery-epochs", 1), recoveryImages = IntArg("--recovery-images", 10_000), heldOut = IntArg("--held-out", 50);
double nasScale = double.Parse(Arg("--nas-scale") ?? "2", CultureInfo.InvariantCulture);
var methods = (Arg("--methods") ?? "codesign,uniform4,uniform8,nas+haq").Split(',');

var folder = DataFolder.Default();
using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(LogLevel.Warning));
var logger = logging.CreateLogger("codesign-bench");
string directory = SupernetFolders.Require(supernet, folder);
var saved = SavedSupernet.Load(directory);
string work = Path.Combine(folder.Root, "bench", "codesign", $"{saved.Name}-seed{seed}");
Directory.CreateDirectory(work);
var recovery = new RecoverySpec { Epochs = recoveryEpochs, Images = recoveryImages };
var quantization = new CodesignQuantization();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Super-network '{saved.Name}' ({saved.Dataset}); {samples} designs measured at their bits + {confirm} confirmed per search, {predicted:N0} predicted; " +
    $"recovery {recoveryEpochs} epoch(s) on {recoveryImages:N0} images; seed {seed}"));

if (!args.Contains("--no-study")) PredictorStudy();

Console.WriteLine();
Console.WriteLine("| target | budget | method | real evaluations | latency | MACs | validation (search) | test | test after recovery | search time |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
foreach (string target in targets)
    foreach (double ratio in ratios)
        foreach (string method in methods)
        {
            var clock = Stopwatch.StartNew();
            SearchResult result;
            int evaluations;
            string extra;
            try
            {
                (result, evaluations, extra) = method switch
                {
                    "codesign" => (Codesign(target, ratio, quantization, "codesign"), samples + confirm, ""),
                    "nas+haq" => NasThenHaq(target, ratio),
                    _ when method.StartsWith("uniform", StringComparison.Ordinal) && int.TryParse(method["uniform".Length..], out int bits) =>
                        (Codesign(target, ratio, quantization with { Bits = [bits] }, method), samples + confirm, ""),
                _ => throw new ArgumentException($"unknown method '{method}'"),
                };
            }
            catch (InvalidSpecException e) // a uniform bit-width may not fit a tight budget at all
            {
                Console.WriteLine($"| {target} | {ratio:P0} | {method} | 0 | {string.Join("; ", e.Errors.Select(f => f.Reason))} | | | | | |");
                continue;
            }
            var best = result.Best;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {target} | {ratio:P0} ({result.BudgetLimit:G4} ms) | {method}{extra} | {evaluations} | {best.ConstrainedValue:G4} ms | {best.Flops:N0} | {best.Accuracy:P2} | " +
                $"{best.TestAccuracy:P2} | {best.Recovered?.TestAccuracy ?? best.TestAccuracy:P2} | {clock.Elapsed.TotalSeconds:F0} s |"));
        }
return;

SearchResult Codesign(string target, double ratio, CodesignQuantization bits, string method) =>
    Run(new CodesignSpec
    {
        Supernet = supernet,
        Agent = "evolution",
        Constraint = new ConstraintSpec { Metric = "latency", Target = target, Ratio = ratio },
        Budget = new ArchitectureBudget { Evaluations = predicted },
        Quantization = bits,
        Predictor = new CodesignPredictor { Samples = samples, Confirm = confirm },
        Recovery = recovery,
        Seed = seed,
    }, $"{method}-{target}-{ratio}", Path.Combine(work, $"samples-{string.Join("-", bits.Bits)}"));

(SearchResult, int, string) NasThenHaq(string target, double ratio)
{
    double limit = ((CodesignPlan)JobKinds.Find("codesign")!.Plan(new CodesignSpec
    {
        Supernet = supernet, Agent = "evolution", Constraint = new ConstraintSpec { Metric = "latency", Target = target, Ratio = ratio },
        Budget = new ArchitectureBudget { Evaluations = predicted }, Predictor = new CodesignPredictor { Samples = samples, Confirm = confirm }, Seed = seed,
    }, folder)).Limit;
    // Where the architecture stage picked a network that no bits bring under the budget, it searches again with less
    // headroom (a user would): each try spends its confirmations.
    int evaluations = 0;
    for (double scale = nasScale; ; scale = Math.Max(1, scale * 0.8))
    {
        var nas = Run(new NasSpec
        {
            Supernet = supernet,
            Agent = "evolution",
            Constraint = new ConstraintSpec { Metric = "latency", Target = target, Max = limit * scale },
            Budget = new ArchitectureBudget { Evaluations = predicted },
            Predictor = new PredictorSpec { Model = "mlp", Confirm = confirm },
            Recovery = new RecoverySpec { Epochs = 0 }, // the pipeline recovers its final, quantized design
            Seed = seed,
        }, $"nas-{target}-{ratio}-{scale:F3}", "");
        evaluations += confirm;
        var haq = new QuantizeSpec
        {
            Model = nas.Best.SavedModel,
            Dataset = saved.Dataset,
            Agent = "ddpg",
            Constraint = new ConstraintSpec { Metric = "latency", Target = target, Max = limit },
            Budget = new EpisodeBudget { Episodes = samples },
            Quantization = new QuantizationSettings { MinBits = quantization.Bits[0], MaxBits = quantization.Bits[^1], KeepFirstAndLast = true },
            Recovery = recovery,
            Seed = seed,
        };
        try { JobKinds.Of(haq).Plan(haq, folder); }
        catch (InvalidSpecException) when (scale > 1) { continue; }
        return (Run(haq, $"haq-{target}-{ratio}", ""), evaluations + samples,
            string.Create(CultureInfo.InvariantCulture, $" (nas at {scale:0.##}x the budget: {nas.Best.ConstrainedValue:G4} ms W8A8, {nas.Best.Accuracy:P2})"));
    }
}

SearchResult Run(JobSpec spec, string name, string samplesDirectory)
{
    string best = Path.Combine(work, "best", name), recovering = Path.Combine(work, "recovery", name);
    return LocalJobs.Run(spec, new JobContext(folder, logger) { BestModelDirectory = best, RecoveryDirectory = recovering, WorkDirectory = samplesDirectory });
}

// The quantization-aware predictor on the first N of the designs the codesign runs measure, transferred and from
// scratch, against designs measured after them (the same seed's plan continued).
void PredictorStudy()
{
    var clock = Stopwatch.StartNew();
    using var network = saved.CreateNetwork(directory);
    var data = AutoDesign.Modeling.Data.DatasetCatalog.Load(saved.Dataset, folder);
    using var evaluator = new QuantizedSubnetEvaluator(network, data, quantization, SupernetFolders.RecalibrationImages, seed: 7);
    var space = new CodesignSpace(saved.Layout, quantization.Bits, [CostMetric.Size], "size", null);
    var measured = QuantizedSampling.Collect(space, evaluator.Accuracy, samples + heldOut, seed, Path.Combine(work, "samples-4-6-8"), logger, default);
    var test = measured.Skip(samples).ToList();
    var fullPrecisionSamples = AccuracySampleFile.TryLoad(directory) ?? throw new InvalidOperationException($"run 'autodesign supernet sample --supernet {supernet}' first");
    var settings = new MlpAccuracyPredictor.Settings { Seed = (ulong)seed };
    using var fullPrecision = MlpAccuracyPredictor.Fit(saved.Layout, fullPrecisionSamples.Samples, settings);
    var actual = test.Select(s => s.Accuracy).ToArray();
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Quantization-aware predictor on {test.Count} held-out designs (measured {actual.Min():P2} to {actual.Max():P2}); the full-precision predictor fitted on {fullPrecisionSamples.Samples.Count} sub-networks; {measured.Count} designs measured in {clock.Elapsed.TotalMinutes:F1} min"));
    Console.WriteLine();
    Console.WriteLine("| designs at their bits | transferred: MAE / Spearman | transferred, fitted at 1e-3 | from scratch |");
    Console.WriteLine("|---|---|---|---|");
    double[] fullPrecisionGuess = [.. test.Select(s => fullPrecision.Predict(s.Choice))];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| 0 (the full-precision predictor) | {Mae(fullPrecisionGuess, actual) * 100:F2} points / {Spearman(fullPrecisionGuess, actual):F3} | | |"));
    foreach (int n in new[] { 10, 25, 50, 100, 200 }.Where(n => n <= samples))
    {
        using var transferred = QuantizationAwarePredictor.Fit(saved.Layout, quantization.Bits, measured.Take(n).ToList(), fullPrecision, QuantizationAwarePredictor.Transferring(settings.Seed));
        using var roughly = QuantizationAwarePredictor.Fit(saved.Layout, quantization.Bits, measured.Take(n).ToList(), fullPrecision, settings);
        using var scratch = QuantizationAwarePredictor.Fit(saved.Layout, quantization.Bits, measured.Take(n).ToList(), null, settings);
        double[] a = [.. test.Select(s => transferred.Predict(s.Choice, s.Bits))], r = [.. test.Select(s => roughly.Predict(s.Choice, s.Bits))],
            b = [.. test.Select(s => scratch.Predict(s.Choice, s.Bits))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {n} | {Mae(a, actual) * 100:F2} points / {Spearman(a, actual):F3} | {Mae(r, actual) * 100:F2} / {Spearman(r, actual):F3} | {Mae(b, actual) * 100:F2} / {Spearman(b, actual):F3} |"));
    }
}

static double Mae(double[] predicted, double[] actual) => predicted.Zip(actual).Average(p => Math.Abs(p.First - p.Second));

static double Spearman(double[] predicted, double[] actual) => MathNet.Numerics.Statistics.Correlation.Spearman(predicted, actual);
