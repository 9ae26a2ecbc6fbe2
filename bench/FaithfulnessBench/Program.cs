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
using AutoDesign.Search.Pruning;
using AutoDesign.Search.Quantization;
using Microsoft.Extensions.Logging.Abstractions;

// Where the agents differ from the papers' code, measured: each difference runs the paper's choice against the
// project's, same seeds, same budget, on lenet5/mnist (its trained model from the cache).
//  1. Replay (AMC, HAQ): their DDPG replays the actor's own output; this project replayed the action the space took
//     after its rules. Pruning at 50 % of the MACs, 120 episodes (20 warm-up), 3,000 validation images.
//  2. Reward scale (HAQ): 0.1 x the accuracy change in percent (HAQ) against 0.1 x the change as a fraction (this
//     project). Mixed precision at 50 % of the W8A8 latency on bitfusion, 40 episodes (10 warm-up), noise decay 0.99.
// Printed: the best validation accuracy each run found, mean and spread over the seeds.
//
//   dotnet run -c Release --project bench/FaithfulnessBench [-- --seeds 5]
TorchRuntime.EnsureInitialized();
int seeds = int.Parse(args.SkipWhile(a => a != "--seeds").Skip(1).FirstOrDefault() ?? "5", CultureInfo.InvariantCulture);
var folder = DataFolder.Default();
var saved = new BaseModels(folder, NullLogger.Instance).GetOrTrain("lenet5", "mnist", TrainingOptions.RecipeFor("lenet5")).Model;
var data = DatasetCatalog.Load("mnist", folder);
using var network = saved.CreateNetwork();
var spec = network.Spec;

Console.WriteLine($"lenet5/mnist, {seeds} seeds");
Console.WriteLine();
Console.WriteLine("| difference | setting | best validation accuracy, mean | spread (sd) | per seed |");
Console.WriteLine("|---|---|---|---|---|");

using (var evaluator = new PruningEvaluator(network, data.Validation.Sample(3_000), saved.Card.Mean, saved.Card.Std))
{
    var space = new PruningSpace(spec, 0.2, 8, CostMetric.Flops, 0.5 * spec.Analyze().Macs);
    foreach (bool taken in new[] { false, true })
    {
        var best = Enumerable.Range(1, seeds).Select(seed =>
        {
            using var agent = new DdpgAgent(space, new DdpgOptions { Seed = seed, WarmupEpisodes = 20, LowestAction = 0.2, ReplayTakenActions = taken });
            return Search(agent, 120, actions => evaluator.Score(space.PolicyFor(actions)).Accuracy, accuracy => -(1 - accuracy),
                actions => string.Join(",", space.PolicyFor(actions).Keep.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)));
        }).ToList();
        Row("replayed action (pruning)", taken ? "the action taken (this project)" : "the actor's output (AMC, HAQ)", best);
    }
}

var target = HardwareTargets.Resolve("bitfusion");
var latency = CostMetric.Latency(target);
using (var evaluator = new QuantizationEvaluator(network, data, saved.Card.Mean, saved.Card.Std,
           new QuantizationSetup(256, CalibrationMethod.Kl, 1_024, 1e-3, 1_000, 1)))
{
    var space = new QuantizationSpace(spec, p => latency.Of(spec, p), 0.5 * latency.Of(spec, PrecisionPolicy.Uniform(8, 8)), keepFirstAndLast: false);
    foreach (double scale in new[] { 100.0, 1.0 })
    {
        var best = Enumerable.Range(1, seeds).Select(seed =>
        {
            using var agent = new DdpgAgent(space, new DdpgOptions { Seed = seed, WarmupEpisodes = 10, NoiseDecay = 0.99 });
            return Search(agent, 40, actions => evaluator.Accuracy(space.PolicyFor(actions)), accuracy => 0.1 * scale * (accuracy - evaluator.FloatAccuracy),
                actions => space.PolicyFor(actions).Key);
        }).ToList();
        Row("reward scale (mixed precision)", scale == 100 ? "0.1 x change in percent (HAQ)" : "0.1 x change as a fraction (this project)", best);
    }
}
return 0;

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

static void Row(string difference, string setting, List<double> best)
{
    double mean = best.Average(), sd = Math.Sqrt(best.Sum(b => (b - mean) * (b - mean)) / Math.Max(1, best.Count - 1));
    Console.WriteLine($"| {difference} | {setting} | {mean:P2} | {sd * 100:F2} points | {string.Join(", ", best.Select(b => b.ToString("P2", CultureInfo.InvariantCulture)))} |");
}
