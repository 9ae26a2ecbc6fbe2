using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Pruning;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

// Per-candidate cost of a pruning job's evaluation, against PyTorch doing the same work: rank each channel group's
// filters by L1 norm, cut the network, score it on the validation images. Both sides get the same trained weights,
// the same normalised images and the same policies (random ones from the prune job's space at 50 % of the MACs),
// run on the same number of threads, and take turns candidate by candidate, so that the machine's load falls on both
// alike. PyTorch runs with its own oneDNN choices, AutoDesign under its cap (DNNL_MAX_CPU_ISA), unless the variable
// is set for the run, which then holds for both. PyTorch is Debian's python3-torch, run through prune_and_evaluate.py with its functional API. Every candidate's
// accuracy must agree between the two; the benchmark prints the median time per candidate and the ratio.
//
//   dotnet run -c Release --project bench/EvaluationBench [-- --candidates 12] [--rounds 3] [--images 5000] [--models lenet5,resnet20] [--halving] [--widths]
bool capChosenByUser = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(TorchRuntime.IsaVariable));
TorchRuntime.EnsureInitialized();
string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
int candidates = int.Parse(Option("--candidates", "12"), CultureInfo.InvariantCulture);
int rounds = int.Parse(Option("--rounds", "3"), CultureInfo.InvariantCulture);
int imageCount = int.Parse(Option("--images", "5000"), CultureInfo.InvariantCulture);
var models = Option("--models", "lenet5,resnet20").Split(",", StringSplitOptions.RemoveEmptyEntries); // "" for none
int threads = get_num_threads();
if (!File.Exists("/usr/bin/python3")) throw new InvalidOperationException("needs Debian's python3-torch: apt-get install python3-torch");

var folder = DataFolder.Default();
var baseModels = new BaseModels(folder, NullLogger.Instance);
Console.WriteLine($"oneDNN ISA cap {Environment.GetEnvironmentVariable(TorchRuntime.IsaVariable)} for AutoDesign, {(capChosenByUser ? "the same" : "none")} for PyTorch; {threads} threads on both sides; {imageCount:N0} validation images; " +
                  $"{candidates} candidates x {rounds} rounds, interleaved");
Console.WriteLine();
Console.WriteLine("| model / data | MACs per image | candidates' MACs per image (mean) | AutoDesign ms per candidate (median) | PyTorch ms per candidate (median) | ratio | AutoDesign GMAC/s | largest accuracy difference |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
foreach (var name in models)
{
    var (dataset, recipe) = name.StartsWith("lenet5", StringComparison.Ordinal)
        ? ("mnist", TrainingOptions.RecipeFor(name))
        : ("fashion-mnist", TrainingOptions.RecipeFor(name) with { Epochs = 2, TrainLimit = 10_000 }); // trained enough to rank; the cost is the point
    var saved = baseModels.GetOrTrain(name, dataset, recipe).Model;
    var data = DatasetCatalog.Load(dataset, folder);
    var validation = data.Validation.Sample(Math.Min(imageCount, data.Validation.Count));
    using var network = saved.CreateNetwork();
    var spec = network.Spec;
    var space = new PruningSpace(spec, budget: 0.5 * spec.Analyze().Macs);
    var policies = new RandomAgent(space, seed: 3).Ask(candidates).Select(c => space.PolicyFor(c.Actions)).ToList();

    string exchange = Directory.CreateTempSubdirectory("autodesign-evalbench-").FullName;
    Export(exchange, network, validation, saved.Card.Mean, saved.Card.Std, policies);
    using var peer = Process.Start(new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "prune_and_evaluate.py"), exchange, threads.ToString(CultureInfo.InvariantCulture)])
    {
        RedirectStandardInput = true, RedirectStandardOutput = true,
        Environment = { [TorchRuntime.IsaVariable] = capChosenByUser ? Environment.GetEnvironmentVariable(TorchRuntime.IsaVariable) : null }, // PyTorch as users run it, unless told
    })!;
    string ready = peer.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the PyTorch peer did not start");
    (double Accuracy, double Seconds) PyTorch(int i)
    {
        peer.StandardInput.WriteLine(i);
        var parts = (peer.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the PyTorch peer stopped")).Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    using var evaluator = new PruningEvaluator(network, validation, saved.Card.Mean, saved.Card.Std);
    (double Accuracy, double Seconds) AutoDesign(int i)
    {
        var clock = Stopwatch.StartNew();
        double accuracy = evaluator.Score(policies[i]).Accuracy;
        return (accuracy, clock.Elapsed.TotalSeconds);
    }

    AutoDesign(0); // warm-up on both sides
    PyTorch(0);
    var ours = new List<double>();
    var theirs = new List<double>();
    double difference = 0;
    for (int round = 0; round < rounds; round++)
        for (int i = 0; i < candidates; i++)
        {
            (double Accuracy, double Seconds) a, t;
            if (round % 2 == 0) { a = AutoDesign(i); t = PyTorch(i); } // who goes first alternates by round
            else { t = PyTorch(i); a = AutoDesign(i); }
            ours.Add(a.Seconds);
            theirs.Add(t.Seconds);
            difference = Math.Max(difference, Math.Abs(a.Accuracy - t.Accuracy));
        }
    peer.StandardInput.Close();
    peer.WaitForExit();
    Directory.Delete(exchange, recursive: true);
    double oursMs = Median(ours) * 1e3, theirsMs = Median(theirs) * 1e3;
    double candidateMacs = policies.Average(p => (double)p.ApplyTo(spec).Analyze().Macs);
    Console.WriteLine($"| {name} / {dataset} | {spec.Analyze().Macs:N0} | {candidateMacs:N0} | {oursMs:F1} | {theirsMs:F1} | {oursMs / theirsMs:F2} | " +
                      $"{candidateMacs * validation.Count / (oursMs * 1e6):F0} | {difference * 100:F2} points |");
    Console.Error.WriteLine($"  {name}: PyTorch peer {ready}");
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

// Successive halving: the README's pruning job (lenet5, 50 % of the MACs, 120 episodes, without refit) scored on 5,000 validation
// images in full, and screened on the first 500 (only candidates that could still beat the best go on to the rest).
// The random agent proposes the same candidates either way, so its best must be the same; DDPG learns from the rewards,
// so its two runs may part ways. Printed: the best candidate, its accuracy, and the time spent scoring.
if (args.Contains("--halving"))
{
    Console.WriteLine();
    Console.WriteLine("| agent | screening | best candidate | its validation accuracy | MACs | candidates scored in full | scoring time | time vs full |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|");
    foreach (var agent in new[] { "random", "ddpg" })
    {
        double fullSeconds = 0;
        foreach (int screen in new[] { 0, 500 })
        {
            var result = AutoDesign.Search.Jobs.LocalJobs.Run(new AutoDesign.Search.Kinds.Prune.PruneSpec
            {
                Model = "lenet5", Dataset = "mnist", Agent = agent, Seed = 1,
                Constraint = new AutoDesign.Search.Jobs.ConstraintSpec { Metric = "flops", Ratio = 0.5 },
                Budget = new AutoDesign.Search.Kinds.Common.EpisodeBudget { Episodes = 120, WarmupEpisodes = 20 },
                Pruning = new AutoDesign.Search.Kinds.Prune.PruningSettings { ValidationImages = 5_000, ScreenImages = screen, Refit = false }, // the fast path's cost
            }, new AutoDesign.Search.Jobs.JobContext(folder, NullLogger.Instance) { BestModelDirectory = Path.Combine(Path.GetTempPath(), $"autodesign-halving-{Environment.ProcessId}-{agent}-{screen}") });
            double seconds = result.Evaluations / result.EvaluationsPerSecond;
            if (screen == 0) fullSeconds = seconds;
            int full = result.Candidates.Count(c => c.Metrics?.ContainsKey(AutoDesign.Search.Jobs.SearchLoop.ScreenedImages) != true);
            Console.WriteLine($"| {agent} | {(screen == 0 ? "none" : $"{screen} images")} | {result.Best.Index} | {result.Best.Accuracy:P2} | {result.Best.Flops:N0} | " +
                              $"{full} of {result.Candidates.Count} | {seconds:F1} s | {seconds / fullSeconds:F2} |");
        }
    }
}

// Why narrow layers stay slow: one 3x3 convolution (and its ReLU) over 500 maps of 28 x 28, channels-last as the
// evaluator runs it, timed by input and output channels (best of 5). oneDNN computes output channels in blocks of the
// vector width, so a layer that pruning left with fewer costs what a full block costs.
if (args.Contains("--widths"))
{
    Console.WriteLine();
    int[] outs = [4, 8, 12, 16, 24, 32];
    Console.WriteLine($"| input channels | {string.Join(" | ", outs.Select(o => $"{o} out: ms (GMAC/s)"))} |");
    Console.WriteLine($"|---|{string.Concat(outs.Select(_ => "---|"))}");
    using var inference = inference_mode();
    foreach (int inputs in new[] { 8, 16 })
    {
        var cells = new List<string>();
        foreach (int outputs in outs)
        {
            using var scope = NewDisposeScope();
            static Tensor ChannelsLast(Tensor t) => t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
            var x = ChannelsLast(randn(500, inputs, 28, 28));
            var w = ChannelsLast(randn(outputs, inputs, 3, 3));
            var b = randn(outputs);
            var best = double.MaxValue;
            for (int r = 0; r < 6; r++)
            {
                var clock = Stopwatch.StartNew();
                TorchSharp.torch.nn.functional.conv2d(x, w, b, padding: [1, 1]).relu_().Dispose();
                if (r > 0) best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
            }
            cells.Add($"{best:F1} ({500.0 * 28 * 28 * outputs * inputs * 9 / best / 1e6:F0})");
        }
        Console.WriteLine($"| {inputs} | {string.Join(" | ", cells)} |");
    }
}

// The exchange folder: the network as layers and channel groups, its weights, the normalised images and the policies.
static void Export(string folder, SpecNetwork network, ImageSet validation, float[] mean, float[] std, List<PruningPolicy> policies)
{
    var spec = network.Spec;
    var analysis = network.Analysis;
    var index = spec.Layers.Select((l, i) => (l.Name, i)).ToDictionary(p => p.Name, p => p.i);
    var layers = spec.Layers.Select((layer, i) => new Dictionary<string, object>
    {
        ["name"] = layer.Name,
        ["op"] = layer.Op switch
        {
            LayerOp.Conv => "conv", LayerOp.DepthwiseConv => "dwconv", LayerOp.Linear => "linear", LayerOp.MaxPool => "max-pool",
            LayerOp.AvgPool => "avg-pool", LayerOp.GlobalAvgPool => "global-avg-pool", LayerOp.Add => "add",
            var other => throw new NotSupportedException($"{other} is not in this benchmark's PyTorch peer"),
        },
        ["inputs"] = spec.InputsOf(i).Select(n => index[n]).DefaultIfEmpty(-1).ToArray(),
        ["kernel"] = layer.Kernel,
        ["stride"] = layer.Stride,
        ["padding"] = layer.EffectivePadding,
        ["bn"] = layer.BatchNorm,
        ["activation"] = layer.Activation switch { Activation.Relu => "relu", Activation.None => "none", var a => throw new NotSupportedException($"activation {a}") },
        ["plane"] = (long)analysis.Layers[i].InputShape.Height * analysis.Layers[i].InputShape.Width,
    }).ToList();
    var groups = analysis.ChannelGroups.Where(g => g.Prunable).Select(g => new
    {
        id = g.Id, key = PruningPolicy.KeyOf(g), channels = g.Channels, producers = g.Producers, consumers = g.Consumers, followers = g.Followers,
    }).ToList();
    var layouts = analysis.InputLayouts.ToDictionary(p => p.Key, p => p.Value.Select(s => new[] { s.Group, s.Channels }).ToArray());

    var weights = new Dictionary<string, object>();
    using (var file = File.Create(Path.Combine(folder, "weights.bin")))
    {
        long offset = 0;
        foreach (var (key, tensor) in network.state_dict().Where(p => p.Value.dtype == ScalarType.Float32))
        {
            var values = tensor.contiguous().data<float>().ToArray();
            file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            weights[key] = new object[] { offset, tensor.shape };
            offset += values.Length;
        }
    }
    using var source = new BatchSource(validation, mean, std);
    using var scope = NewDisposeScope();
    var (images, labels) = source.Range(0, validation.Count);
    File.WriteAllBytes(Path.Combine(folder, "images.bin"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(images.contiguous().data<float>().ToArray().AsSpan()).ToArray());
    File.WriteAllBytes(Path.Combine(folder, "labels.bin"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels.to_type(ScalarType.Int64).data<long>().ToArray().AsSpan()).ToArray());
    File.WriteAllText(Path.Combine(folder, "model.json"), JsonSerializer.Serialize(new { layers, groups, layouts, weights, images = images.shape }));
    File.WriteAllText(Path.Combine(folder, "policies.json"), JsonSerializer.Serialize(policies.Select(p => p.Keep)));
}
