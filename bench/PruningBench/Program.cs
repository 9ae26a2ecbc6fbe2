using System.Globalization;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Torch;
using TorchSharp;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Prune;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Recovery;
using Microsoft.Extensions.Logging.Abstractions;

// The AMC benchmark: DDPG vs uniform vs random at 50% and 30% of the base FLOPs, with and without the
// least-squares refit, over several seeds, on lenet5/mnist and resnet20/fashion-mnist (trained for 2 epochs on 10,000
// images, as the other benchmarks train it); every other setting is a pruning job's default. Each agent gets the same
// number of episodes (uniform has only one policy to offer); "ddpg-decay0.99" is DDPG with HAQ's slower noise decay. Prints a table of validation accuracy (the search's
// reward), test accuracy of each run's best network, and evaluations per second.
//
//   dotnet run -c Release --project bench/PruningBench [-- --quick] [--seeds 3] [--models lenet5,resnet20]
TorchRuntime.EnsureInitialized();
bool quick = args.Contains("--quick");
int seeds = Option("--seeds", quick ? 1 : 3);
var selected = Value("--models")?.Split(',') ?? ["lenet5", "resnet20"];
var setups = new (string Model, string Dataset, int Episodes, int ValidationImages, BaseTraining? Training)[]
{
    ("lenet5", "mnist", quick ? 30 : 120, 3_000, null),
    ("resnet20", "fashion-mnist", quick ? 20 : 60, quick ? 500 : 1_000, new BaseTraining { Epochs = 2, TrainLimit = 10_000 }), // as the other benchmarks train it
}.Where(s => selected.Contains(s.Model)).ToArray();

var folder = DataFolder.Default();
var output = Path.Combine(Path.GetTempPath(), $"autodesign-bench-{Environment.ProcessId}");
var rows = new List<(string Setup, double Budget, bool Refit, string Agent, List<SearchResult> Runs)>();

foreach (var setup in setups)
    foreach (double budget in new[] { 0.5, 0.3 })
        foreach (bool refit in new[] { false, true })
            foreach (var agent in new[] { "ddpg", "ddpg-decay0.99", "uniform", "random" })
            {
                var runs = new List<SearchResult>();
                for (int seed = 1; seed <= (agent == "uniform" ? 1 : seeds); seed++)
                {
                    var spec = new PruneSpec
                    {
                        Model = setup.Model, Dataset = setup.Dataset, Agent = agent.Split('-')[0], Seed = seed,
                        Ddpg = agent == "ddpg-decay0.99" ? new DdpgSettings { NoiseDecay = 0.99 } : null,
                        Constraint = new ConstraintSpec { Metric = "flops", Ratio = budget },
                        Budget = new EpisodeBudget { Episodes = setup.Episodes }, // AMC's warm-up, at most half the episodes
                        Training = setup.Training,
                        Pruning = new PruningSettings { Refit = refit, ValidationImages = setup.ValidationImages },
                        Recovery = new RecoverySpec { Epochs = 0 }, // the table compares agents on candidates as searched
                    };
                    var result = LocalJobs.Run(spec, new JobContext(folder, NullLogger.Instance) { BestModelDirectory = Path.Combine(output, $"{setup.Model}-{budget}-{refit}-{agent}-{seed}") });
                    runs.Add(result);
                    Console.Error.WriteLine($"{setup.Model} {budget} refit={refit} {agent} seed {seed}: best {result.Best.Accuracy:P2} " +
                                            $"(test {result.Best.TestAccuracy:P2}) at {result.Best.Flops:N0} MACs, {result.EvaluationsPerSecond:F2} eval/s");
                }
                rows.Add(($"{setup.Model}/{setup.Dataset}", budget, refit, agent, runs));
            }

Console.WriteLine();
Console.WriteLine("| model / data | FLOPs budget | refit | agent | runs | evaluations | best validation accuracy | test accuracy of best | vs uniform | evals/s |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
foreach (var row in rows)
{
    var uniform = rows.Single(r => r.Setup == row.Setup && r.Budget == row.Budget && r.Refit == row.Refit && r.Agent == "uniform");
    double mean = row.Runs.Average(r => r.Best.Accuracy);
    double spread = Std(row.Runs.Select(r => r.Best.Accuracy));
    double test = row.Runs.Average(r => r.Best.TestAccuracy);
    double ratio = mean / uniform.Runs.Average(r => r.Best.Accuracy);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {row.Setup} | {row.Budget:P0} | {(row.Refit ? "yes" : "no")} | {row.Agent} | {row.Runs.Count} | {row.Runs.Average(r => r.Evaluations):F0} | " +
        $"{mean:P2} ± {spread:P2} | {test:P2} | {ratio:F3}x | {row.Runs.Average(r => r.EvaluationsPerSecond):F2} |"));
}
// The pruned networks are really smaller: forward time of each setup's best DDPG network vs its base, in one process.
Console.WriteLine();
Console.WriteLine("| model / data | FLOPs budget | MACs (best / base) | params (best / base) | forward time, batch 256 (best / base) |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var row in rows.Where(r => r.Agent == "ddpg" && !r.Refit))
{
    var best = row.Runs.MaxBy(r => r.Best.Accuracy)!;
    using var baseNetwork = SavedModel.Load(best.Base.SavedModel).CreateNetwork();
    using var pruned = SavedModel.Load(best.Best.SavedModel).CreateNetwork();
    double baseSeconds = ForwardSeconds(baseNetwork), prunedSeconds = ForwardSeconds(pruned);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {row.Setup} | {row.Budget:P0} | {(double)best.Best.Flops!.Value / best.Base.Flops:F3} | {(double)best.Best.Params!.Value / best.Base.Params:F3} | {prunedSeconds / baseSeconds:F3} |"));
}
Directory.Delete(output, recursive: true);
return 0;

// Median of 15 timed forward passes of a batch of 256 random images, after 3 warm-up passes.
static double ForwardSeconds(SpecNetwork network)
{
    var shape = network.Spec.Input;
    using var scope = torch.NewDisposeScope();
    using var noGrad = torch.no_grad();
    var input = torch.randn(256, shape.Channels, shape.Height, shape.Width);
    for (int i = 0; i < 3; i++) network.forward(input);
    var times = new List<double>();
    for (int i = 0; i < 15; i++)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        network.forward(input);
        times.Add(clock.Elapsed.TotalSeconds);
    }
    return times.Order().ElementAt(times.Count / 2);
}

static double Std(IEnumerable<double> values)
{
    var list = values.ToList();
    if (list.Count < 2) return 0;
    double mean = list.Average();
    return Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
}

int Option(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? Value(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
