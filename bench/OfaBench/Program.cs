using System.Diagnostics;
using System.Globalization;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Recovery;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;
// Once-for-All specialisation: for each hardware target and latency budget (between the smallest and the largest
// sub-network's latency on it), nas jobs over a trained super-network, the best sub-network saved and tested:
//   direct     evolution with every candidate really evaluated (inherited weights, batch norm re-estimated,
//              validation accuracy);
//   predictor  (with --predicted N) Once-for-All's way: evolution scores N distinct sub-networks with the accuracy
//              predictor fitted on the super-network's measured sub-networks (autodesign supernet sample), and
//              only the --confirm best predicted are evaluated for real.
// Both constrain the target's latency, or a look-up table's when one is named for it (--lut
// torchsharp-cpu=lut:ofa-cpu, built by autodesign sweep --supernet): measured latencies on a shared machine move
// by tens of percent within minutes, a table's stay put.
// The latency reported is the constrained value the search saw (the table's, for a predictor search on one) and the
// target's own figure for the network measured again after the search (measured targets move with the machine's
// load). Each found architecture is also trained from scratch for as many epochs as the super-network had (same
// images; with --recovery-epochs N, N more), and the best trained zoo model under the budget is listed. With
// --recovery-epochs N the found sub-network is also fine-tuned N epochs on all training images, distilled from the
// largest sub-network, as a nas job recovers its design (Once-for-All's claim is about the network after that). The search's wall time is the cost of
// specialising for a new target once the super-network exists.
//
//   dotnet run -c Release --project bench/OfaBench [-- --supernet bench/supernet-kd] [--targets torchsharp-cpu,bitfusion]
//       [--budgets 3] [--evaluations 40] [--population 10] [--scratch middle|all|predictor|none]
//       [--predicted 2000 --confirm 10 --predictor mlp|fasttree --lut torchsharp-cpu=lut:ofa-cpu] [--recovery-epochs 1]
TorchRuntime.EnsureInitialized();
string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int IntArg(string name, int fallback) => Arg(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
string supernetName = Arg("--supernet") ?? "bench/supernet-kd";
var targets = (Arg("--targets") ?? "torchsharp-cpu,bitfusion").Split(',');
int budgetCount = IntArg("--budgets", 3), evaluations = IntArg("--evaluations", 40), population = IntArg("--population", 10);
string scratch = Arg("--scratch") ?? "middle";
int predicted = IntArg("--predicted", 0), confirm = IntArg("--confirm", 10), recoveryEpochs = IntArg("--recovery-epochs", 0);
string predictorModel = Arg("--predictor") ?? "mlp";
var tables = (Arg("--lut") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
string[] zoo = ["lenet5", "vgg-small-w0.5", "resnet20-w0.5", "resnet20", "mobilenetv2-small"];

var folder = DataFolder.Default();
using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(LogLevel.Warning));
var logger = logging.CreateLogger("ofa-bench");
string directory = SupernetFolders.Locate(supernetName, folder) ?? throw new ArgumentException($"no saved super-network '{supernetName}': run bench/SupernetBench first");
var saved = SavedSupernet.Load(directory);
var data = DatasetCatalog.Load(saved.Dataset, folder);
var space = new SubnetSpace(saved.Layout);
int supernetEpochs = saved.History.Count, scratchEpochs = supernetEpochs + recoveryEpochs;
var store = new ModelStore(folder);
string work = Path.Combine(folder.Root, "supernets", "ofa-bench");
Directory.CreateDirectory(work);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Super-network '{saved.Name}' ({saved.Dataset}, {(saved.Training.TrainLimit > 0 ? $"{saved.Training.TrainLimit:N0}" : "all")} training images, {supernetEpochs} epochs of progressive shrinking, " +
    $"{saved.History.Sum(h => h.Seconds) / 60:F1} min); direct search: evolution, population {population}, {evaluations} evaluations per budget"));
if (predicted > 0)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Predictor search: {predictorModel} predictor, evolution (population 100), {predicted:N0} predicted, {confirm} confirmed"));
Console.WriteLine();
Console.WriteLine("| target | budget | search | OFA sub-network (val / test) | test after recovery | its latency in the search / re-measured | MACs | search wall time | same net from scratch (test) | best zoo model under budget (test) |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
var scratchResults = new Dictionary<string, string>();
foreach (string targetName in targets)
{
    var target = HardwareTargets.Resolve(targetName, folder);
    double Latency(AutoDesign.Modeling.Specs.ModelSpec spec) => target.Measure(spec).Latency.Value;
    string costName = tables.GetValueOrDefault(targetName, targetName); // what the searches' constraint is on
    var costTarget = HardwareTargets.Resolve(costName, folder);
    double Cost(AutoDesign.Modeling.Specs.ModelSpec spec) => costTarget.Measure(spec).Latency.Value;
    double smallest = Cost(SubnetExtraction.Spec(saved.Layout, space.Smallest, "smallest"));
    double largest = Cost(SubnetExtraction.Spec(saved.Layout, space.Largest, "largest"));
    var zooModels = zoo.Select(name =>
    {
        var spec = ModelZoo.Create(name, data.Info.Shape, data.Info.Classes);
        var trained = store.Find(name, saved.Dataset).Where(m => m.Card.TestAccuracy is not null).MaxBy(m => m.Card.TestAccuracy);
        return (Name: name, Latency: Latency(spec), Test: trained?.Card.TestAccuracy);
    }).ToList();
    Console.Error.WriteLine($"{targetName}: sub-networks {smallest:G4} .. {largest:G4} ms; zoo " +
                            string.Join(", ", zooModels.Select(z => $"{z.Name} {z.Latency:G4} ms{(z.Test is { } t ? $" ({t:P2})" : " (not trained)")}")));
    for (int i = 0; i < budgetCount; i++)
    {
        double fraction = (i + 1.0) / (budgetCount + 1);
        double budget = smallest + fraction * (largest - smallest);
        var direct = new NasSpec
        {
            Supernet = directory,
            Dataset = saved.Dataset,
            Agent = "evolution",
            Constraint = new ConstraintSpec { Metric = "latency", Target = costName, Max = budget },
            Budget = new ArchitectureBudget { Evaluations = evaluations },
            Seed = 1,
            Evolution = new() { Population = population },
            Recovery = new RecoverySpec { Epochs = recoveryEpochs },
        };
        var searches = new List<(string Name, NasSpec Spec)> { ("direct", direct) };
        if (predicted > 0)
            searches.Add(("predictor", direct with
            {
                Budget = new ArchitectureBudget { Evaluations = predicted },
                Evolution = new(),
                Predictor = new PredictorSpec { Model = predictorModel, Confirm = confirm },
            }));
        foreach (var (searchName, spec) in searches)
        {
            var clock = Stopwatch.StartNew();
            SearchResult result;
            string recovering = Path.Combine(work, "recovery", $"{targetName}-{i}-{searchName}");
            if (Directory.Exists(recovering)) Directory.Delete(recovering, recursive: true); // another super-network's
            try { result = LocalJobs.Run(spec, new JobContext(folder, logger) { BestModelDirectory = Path.Combine(work, $"{targetName}-{i}-{searchName}"), RecoveryDirectory = recovering }); }
            catch (InvalidSpecException e)
            {
                Console.WriteLine($"| {targetName} | {budget:G4} ms | {searchName} | refused: {e.Message} | | | | | | |");
                continue;
            }
            double searchSeconds = clock.Elapsed.TotalSeconds;
            var best = result.Best;
            var choice = SupernetPolicy.Decode(space, best.Policy);
            var bestSpec = SubnetExtraction.Spec(saved.Layout, choice, "best");
            Console.Error.WriteLine($"{targetName} {searchName}: {choice}");
            double latency = Latency(bestSpec);

            string fromScratch = "—";
            string key = string.Concat(space.Encode(space.Canonical(choice)));
            if (scratchResults.TryGetValue(key, out var earlier)) fromScratch = earlier;
            else if (scratch == "all" || (scratch == "middle" && i == budgetCount / 2) || (scratch == "predictor" && searchName == "predictor"))
            {
                manual_seed(1);
                using var network = new SpecNetwork(SubnetExtraction.Spec(saved.Layout, choice, "scratch"));
                var options = new TrainingOptions { Epochs = scratchEpochs, BatchSize = saved.Training.BatchSize, LearningRate = 0.1, TrainLimit = saved.Training.TrainLimit };
                var trainClock = Stopwatch.StartNew();
                new Trainer(logger).Train(network, data, options);
                network.eval();
                double test = Evaluation.Of(network, data.Test, data.Mean, data.Std).Accuracy;
                fromScratch = scratchResults[key] = string.Create(CultureInfo.InvariantCulture, $"{test:P2} ({scratchEpochs} epochs, {trainClock.Elapsed.TotalSeconds:F0} s)");
            }
            var trainedFits = zooModels.Where(z => z.Latency <= budget && z.Test is not null).ToList();
            string zooText = trainedFits.Count > 0 && trainedFits.MaxBy(z => z.Test) is var z
                ? string.Create(CultureInfo.InvariantCulture, $"{z.Name}: {z.Test:P2} at {z.Latency:G4} ms")
                : zooModels.Any(z => z.Latency <= budget) ? $"untrained only ({string.Join(", ", zooModels.Where(z => z.Latency <= budget).Select(z => z.Name))})" : "none fits";
            string how = searchName == "direct"
                ? $"direct on {costName}, {result.Evaluations} evaluated"
                : $"{predictorModel} predictor on {costName}, {result.Predicted:N0} predicted, {result.Evaluations} evaluated";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {targetName} | {budget:G4} ms | {how} | {best.Accuracy:P2} / {best.TestAccuracy:P2} | {(best.Recovered is { } r ? $"{r.TestAccuracy:P2}" : "—")} | {best.ConstrainedValue:G4} / {latency:G4} ms{(latency > budget ? " (over)" : "")} | {best.Flops:N0} | {searchSeconds:F0} s | {fromScratch} | {zooText} |"));
        }
    }
}
