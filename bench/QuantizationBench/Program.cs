using System.Globalization;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Torch;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Quantize;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Recovery;
using Microsoft.Extensions.Logging.Abstractions;

// The HAQ benchmark: DDPG vs the best fixed bit-width vs random (equal evaluations), at 50% and 30% of the W8A8
// latency on an edge accelerator (bitfusion) and a cloud one (bismo-cloud), over seeds, for two models. Also: the
// W8A8 model's accuracy and the latency reduction of each best policy relative to W8A8, and the per-layer bits
// DDPG chose on each target. Every figure is measured in this run.
//
// The first and last layers are searched too (HAQ holds them at 8 bits): with them at 8, these small models cannot
// reach 30% of the W8A8 latency. The GPU rooflines are left out: at these sizes every layer costs about one kernel
// launch, so no bit-width brings a 28x28 model below ~99% of its W8A8 latency there.
//
//   dotnet run -c Release --project bench/QuantizationBench [-- --quick] [--seeds 3] [--targets bitfusion,bismo-cloud]
TorchRuntime.EnsureInitialized();
bool quick = args.Contains("--quick");
int seeds = args.SkipWhile(a => a != "--seeds").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(quick ? 1 : 3);
var setups = new (string Model, string Dataset, int Episodes, int Warmup)[]
{
    ("lenet5", "mnist", quick ? 12 : 40, quick ? 4 : 10),
    ("vgg-small-w0.5", "fashion-mnist", quick ? 8 : 30, quick ? 3 : 8),
};
var targets = args.SkipWhile(a => a != "--targets").Skip(1).FirstOrDefault()?.Split(',') ?? ["bitfusion", "bismo-cloud"];
var folder = DataFolder.Default();
string output = Path.Combine(Path.GetTempPath(), $"autodesign-qbench-{Environment.ProcessId}");
var settings = new QuantizationSettings { FineTuneImages = 1_024, ValidationImages = 1_000, KeepFirstAndLast = false };

SearchResult Run(string model, string dataset, string agent, string target, double ratio, int seed, int episodes, int warmup) =>
    LocalJobs.Run(new QuantizeSpec
    {
        Model = model, Dataset = dataset, Agent = agent, Seed = seed,
        Constraint = new ConstraintSpec { Metric = "latency", Target = target, Ratio = ratio },
        Budget = new EpisodeBudget { Episodes = episodes, WarmupEpisodes = warmup },
        Quantization = settings,
        Recovery = new RecoverySpec { Epochs = 0 }, // the table compares agents on candidates as searched
    }, new JobContext(folder, NullLogger.Instance) { BestModelDirectory = Path.Combine(output, $"{model}-{target}-{ratio}-{agent}-{seed}") });

Console.WriteLine("| model / data | target | budget (of W8A8 latency) | agent | runs | evaluations | best validation accuracy | vs W8A8 accuracy | latency vs W8A8 | test accuracy |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
var bitsTable = new List<string>();
foreach (var setup in setups)
    foreach (var target in targets)
    {
        var w8a8 = Run(setup.Model, setup.Dataset, "fixed", target, 1.0, 1, 1, 0); // the reference: everything at 8 bits
        Console.Error.WriteLine($"{setup.Model} {target} W8A8: {w8a8.Best.Accuracy:P2}");
        foreach (double ratio in new[] { 0.5, 0.3 })
            foreach (var agent in new[] { "ddpg", "fixed", "random" })
            {
                var runs = Enumerable.Range(1, agent == "fixed" ? 1 : seeds).Select(seed => Run(setup.Model, setup.Dataset, agent, target, ratio, seed, setup.Episodes, setup.Warmup)).ToList();
                foreach (var r in runs)
                    Console.Error.WriteLine($"{setup.Model} {target} {ratio} {agent} seed {r.Spec!.Seed}: {r.Best.Accuracy:P2} at {r.Best.ConstrainedValue:G4} ms; {string.Join(" ", r.Best.Policy.Select(p => $"{p.WBits}/{p.ABits}"))}");
                double mean = runs.Average(r => r.Best.Accuracy);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {setup.Model}/{setup.Dataset} | {target} | {ratio:P0} | {agent} | {runs.Count} | {runs.Average(r => r.Evaluations):F0} | {mean:P2} ± {Std(runs.Select(r => r.Best.Accuracy)):P2} | " +
                    $"{mean - w8a8.Best.Accuracy:+0.00%;-0.00%} | {runs.Average(r => r.Best.ConstrainedValue) / w8a8.Best.ConstrainedValue:F3} ({w8a8.Best.ConstrainedValue / runs.Average(r => r.Best.ConstrainedValue):F2}x faster) | {runs.Average(r => r.Best.TestAccuracy):P2} |"));
                if (agent == "ddpg" && ratio == 0.5)
                    bitsTable.Add($"| {setup.Model} | {target} | {string.Join(" | ", runs[0].Best.Policy.Select(p => $"{p.WBits}/{p.ABits}"))} |");
            }
    }

Console.WriteLine();
Console.WriteLine("Bits (weights/activations) per layer of DDPG's best policy at 50% of W8A8 latency, seed 1:");
Console.WriteLine();
foreach (var row in bitsTable) Console.WriteLine(row);
Directory.Delete(output, recursive: true);
return 0;

static double Std(IEnumerable<double> values)
{
    var list = values.ToList();
    if (list.Count < 2) return 0;
    double mean = list.Average();
    return Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
}
