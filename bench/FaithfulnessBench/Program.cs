// Where the agents differ from the papers' code, measured: each difference runs the paper's choice against the
// project's, same seeds, same budget, on a trained model from the cache (lenet5/mnist unless --model resnet20, which
// uses resnet20/fashion-mnist trained for 2 epochs on 10,000 images).
//  replay     (AMC, HAQ): their DDPG replays the actor's own output; this project replayed the action the space took
//             after its rules.
//  importance (AMC): channels ranked by how much the next layer uses them (the L1 norm of its input weights) against
//             the L1 norm of the filters that make them.
//  importance-without-refit: the same two rankings with the refit off.
//  rounding   (AMC): the nearest count rounded up to a multiple of 8 against rounded down.
//  refit      (AMC): each candidate's layers refitted by least squares to the unpruned outputs, against not.
//  warmup     (AMC): warm-up episodes, --warmups (100, 60, 30, 20), at the same budget; the job's default is AMC's 100,
//             at most half the episodes.
//  reward     (HAQ): 0.1 x the accuracy change in percent against 0.1 x the change as a fraction. Mixed precision at
//             50 % of the W8A8 latency on bitfusion, 40 episodes (10 warm-up), noise decay 0.99.
// The pruning parts prune to 50 % of the MACs with DDPG for --episodes (120), scored on --images (3,000) validation
// images; every setting not under test is a pruning job's default.
// Printed: the best validation accuracy each run found, mean and spread over the seeds.
//
//   dotnet run -c Release --project bench/FaithfulnessBench [-- --seeds 5] [--parts replay,importance,importance-without-refit,rounding,refit,warmup,reward]
//       [--model resnet20] [--episodes 120] [--images 3000] [--warmups 100,60,30,20]

using System.Globalization;
using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Quantization;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Agents.Ddpg;
using AutoDesign.Search.Kinds.Prune;
using AutoDesign.Search.Pruning;
using AutoDesign.Search.Quantization;
using Microsoft.Extensions.Logging.Abstractions;

TorchRuntime.EnsureInitialized();
string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
int seeds = int.Parse(Option("--seeds", "5"), CultureInfo.InvariantCulture);
int episodes = int.Parse(Option("--episodes", "120"), CultureInfo.InvariantCulture);
int images = int.Parse(Option("--images", "3000"), CultureInfo.InvariantCulture);
var parts = Option("--parts", "replay,importance,importance-without-refit,rounding,refit,warmup,reward").Split(',').ToHashSet();
string modelName = Option("--model", "lenet5");
var (datasetName, recipe) = modelName == "lenet5"
    ? ("mnist", TrainingOptions.RecipeFor(modelName))
    : ("fashion-mnist", TrainingOptions.RecipeFor(modelName) with { Epochs = 2, TrainLimit = 10_000 });
var folder = DataFolder.Default();
var saved = new BaseModels(folder, NullLogger.Instance).GetOrTrain(modelName, datasetName, recipe).Model;
var data = DatasetCatalog.Load(datasetName, folder);
using var network = saved.CreateNetwork();
var spec = network.Spec;
var validation = data.Validation.Sample(images);
var defaults = new PruningSettings();
var defaultDdpg = new DdpgOptions();
var pruned = new Dictionary<string, List<double>>();

Console.WriteLine($"{modelName}/{datasetName}, {seeds} seeds, pruning: {episodes} episodes, {images:N0} validation images");
Console.WriteLine();
Console.WriteLine("| difference | setting | best validation accuracy, mean | spread (sd) | per seed |");
Console.WriteLine("|---|---|---|---|---|");

if (parts.Contains("replay"))
    foreach (bool taken in new[] { false, true })
        Row("replayed action (pruning)", taken ? "the action taken" : "the actor's output (AMC, HAQ)", Prune(replayTaken: taken), taken == defaultDdpg.ReplayTakenActions);
if (parts.Contains("importance"))
    foreach (var importance in new[] { FilterImportance.NextLayer, FilterImportance.L1 })
        Row("channel ranking", importance == FilterImportance.NextLayer ? "next layer's use (AMC)" : "L1 of the producing filters",
            Prune(importance: importance), importance == defaults.Importance);
if (parts.Contains("importance-without-refit")) // the rankings alone: AMC ranks by the next layer and refits it
    foreach (var importance in new[] { FilterImportance.NextLayer, FilterImportance.L1 })
        Row("channel ranking, without refit", importance == FilterImportance.NextLayer ? "next layer's use (AMC)" : "L1 of the producing filters",
            Prune(importance: importance, refit: false), null);
if (parts.Contains("rounding"))
    foreach (var rounding in new[] { ChannelRounding.Up, ChannelRounding.Down })
        Row("channel rounding", rounding == ChannelRounding.Up ? "up (AMC)" : "down", Prune(rounding: rounding), rounding == ChannelRounding.Up);
if (parts.Contains("refit"))
    foreach (bool refit in new[] { true, false })
        Row("least-squares refit", refit ? "on (AMC)" : "off", Prune(refit: refit), refit == defaults.Refit);
if (parts.Contains("warmup"))
    foreach (int warmup in Option("--warmups", "100,60,30,20").Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)))
        Row("warm-up episodes", warmup == 100 ? "100 (AMC)" : $"{warmup}", Prune(warmup: warmup), warmup == PruneKind.Rules.DefaultWarmup(episodes));

if (parts.Contains("reward"))
{
    var target = HardwareTargets.Resolve("bitfusion");
    var latency = CostMetric.Latency(target);
    using var evaluator = new QuantizationEvaluator(network, data, saved.Card.Mean, saved.Card.Std,
        new QuantizationSetup(256, CalibrationMethod.Kl, 1_024, 1e-3, 1_000, 1));
    var space = new QuantizationSpace(spec, p => latency.Of(spec, p), 0.5 * latency.Of(spec, PrecisionPolicy.Uniform(8, 8)), keepFirstAndLast: false);
    foreach (double scale in new[] { 100.0, 1.0 })
    {
        var best = Enumerable.Range(1, seeds).Select(seed =>
        {
            using var agent = new DdpgAgent(space, new DdpgOptions { Seed = seed, WarmupEpisodes = 10, NoiseDecay = 0.99 });
            return Search(agent, 40, actions => evaluator.Accuracy(space.PolicyFor(actions)), accuracy => 0.1 * scale * (accuracy - evaluator.FloatAccuracy),
                actions => space.PolicyFor(actions).Key);
        }).ToList();
        Row("reward scale (mixed precision)", scale == 100 ? "0.1 x change in percent (HAQ)" : "0.1 x change as a fraction", best, null);
    }
}
return 0;

// One pruning search per seed with the job's defaults except the setting under test; the best accuracy of each.
List<double> Prune(int? warmup = null, bool? replayTaken = null, FilterImportance? importance = null, ChannelRounding? rounding = null, bool? refit = null)
{
    var ddpg = new DdpgOptions
    {
        WarmupEpisodes = warmup ?? PruneKind.Rules.DefaultWarmup(episodes),
        ReplayTakenActions = replayTaken ?? defaultDdpg.ReplayTakenActions,
        NoiseDecay = PruneKind.Rules.DefaultNoiseDecay,
        LowestAction = defaults.LowerBound,
    };
    string key = $"{ddpg},{importance ?? defaults.Importance},{rounding ?? ChannelRounding.Up},{refit ?? defaults.Refit}"; // the default runs once
    if (!pruned.TryGetValue(key, out var best)) pruned[key] = best = PruneSeeds(ddpg, importance, rounding, refit);
    return best;
}

List<double> PruneSeeds(DdpgOptions ddpg, FilterImportance? importance, ChannelRounding? rounding, bool? refit)
{
    return [.. Enumerable.Range(1, seeds).Select(seed =>
    {
        using var refitter = refit ?? defaults.Refit ? LeastSquaresRefit.Calibrated(network, data, seed) : null;
        using var evaluator = new PruningEvaluator(network, validation, saved.Card.Mean, saved.Card.Std, importance ?? defaults.Importance, refitter);
        var space = new PruningSpace(spec, defaults.LowerBound, defaults.ChannelMultiple, CostMetric.Flops, 0.5 * spec.Analyze().Macs,
            rounding ?? ChannelRounding.Up);
        using var agent = new DdpgAgent(space, ddpg with { Seed = seed });
        return Search(agent, episodes, actions => evaluator.Score(space.PolicyFor(actions)).Accuracy, accuracy => -(1 - accuracy),
            actions => string.Join(",", space.PolicyFor(actions).Keep.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)));
    })];
}

// One search: every distinct policy scored once, as a job does; the best accuracy found.
static double Search(DdpgAgent agent, int episodes, Func<IReadOnlyList<double>, double> score, Func<double, double> reward,
    Func<IReadOnlyList<double>, string> keyOf)
{
    var seen = new Dictionary<string, double>();
    double best = 0;
    for (int episode = 0; episode < episodes; episode++)
    {
        var candidate = agent.Ask(1)[0];
        string key = keyOf(candidate.Actions);
        if (!seen.TryGetValue(key, out double accuracy)) seen[key] = accuracy = score(candidate.Actions);
        best = Math.Max(best, accuracy);
        agent.Tell([new Scored(candidate, reward(accuracy))]);
    }
    return best;
}

// isDefault: whether the setting is the job's default (null: the default depends on the job, as the warm-up does).
static void Row(string difference, string setting, List<double> best, bool? isDefault)
{
    if (isDefault == true) setting += " (default)";
    double mean = best.Average(), sd = Math.Sqrt(best.Sum(b => (b - mean) * (b - mean)) / Math.Max(1, best.Count - 1));
    Console.WriteLine($"| {difference} | {setting} | {mean:P2} | {sd * 100:F2} points | {string.Join(", ", best.Select(b => b.ToString("P2", CultureInfo.InvariantCulture)))} |");
}
