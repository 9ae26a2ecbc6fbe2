using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Data.Video;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Kinds.Heads;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

// Next-frame prediction on Moving MNIST by the video transformer (trained once with its recipe and cached like every
// base model) with each attention policy: every head dense, every head spatial, every head temporal, Sparse VideoGen's
// online profiling (each test clip profiles its own forward pass, batch 1, with each of --samples queries per layer),
// and online profiling with the first of them run once on a calibration batch of 64 validation clips and then fixed. Error: mean squared error per pixel
// over the first --clips test clips (pixels in [0, 1]), beside copying the last frame and predicting an empty one.
// Attention: the (query, key) pairs all heads compute (AttentionWork; online profiling adds its sampled queries'),
// and the model's MACs, both as shares of dense. Time: a forward pass of one clip, each policy alternating with dense,
// medians of --runs after two warm-up runs each, as a ratio to dense. Heads: for each layer and head, what online
// profiling (the first sample count) chose on the test clips (the share of clips), and what the calibration batch fixed.
// With --results, also the best policies of heads jobs (their result files).
//
//   dotnet run -c Release --project bench/VideoBench [-- --runs 15] [--clips 1000] [--samples 64,16] [--threads 1] [--results a-result.json]
TorchRuntime.EnsureInitialized();
if (Option("--threads") is { } threads) set_num_threads(int.Parse(threads, CultureInfo.InvariantCulture));
int runs = int.Parse(Option("--runs") ?? "15", CultureInfo.InvariantCulture);
int count = int.Parse(Option("--clips") ?? "1000", CultureInfo.InvariantCulture);
int[] sampleCounts = [.. (Option("--samples") ?? "64,16").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))];
int samples = sampleCounts[0];
var folder = DataFolder.Default();
var saved = new BaseModels(folder, NullLogger.Instance).GetOrTrain("video-transformer", "moving-mnist", TrainingOptions.RecipeFor("video-transformer"),
    onEpoch: e => Console.Error.WriteLine($"epoch {e.Epoch}/{e.Epochs}: validation error {e.ValidationError:F5} ({e.Seconds:F0} s)")).Model;
var video = DatasetCatalog.LoadVideo("moving-mnist", folder);
using var network = saved.CreateNetwork();
var spec = network.Spec;
int patch = spec.Input.Patch!.Value, frames = spec.Input.Height, perFrame = spec.Input.Width;
var attention = spec.Layers.Select((l, i) => (Layer: l, Index: i)).Where(p => p.Layer.Op == LayerOp.Attention).ToList();
int keyHeads = network.Analysis[spec.InputsOf(attention[0].Index)[1]].OutputShape.Channels / attention[0].Layer.HeadSize!.Value;
long attentionDenseMacs = attention.Sum(a => network.Analysis.Layers[a.Index].Macs);
long otherMacs = network.Analysis.Macs - attentionDenseMacs;
double densePairs = attention.Count * keyHeads * AttentionWork.PrefillPairs(HeadPattern.Dense, frames, perFrame, false);
using var noGrad = no_grad();
var (timedInput, _) = NextFrameBatches.Batch(video.Test, [0], patch);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{saved.Card.Model} on {video.Info.Name}: {spec.Input}, {attention.Count} attention layers of {keyHeads} heads over {frames} frames x {perFrame} patches; " +
    $"{saved.Card.Params:N0} parameters, {saved.Card.Macs / 1e6:F0} M MACs a clip ({attentionDenseMacs * 100.0 / saved.Card.Macs:F0} % in attention); " +
    $"trained {saved.Card.Training?.Epochs * saved.Card.Training?.StepsPerEpoch * saved.Card.Training?.BatchSize:N0} clips in {saved.Card.TrainingSeconds:F0} s; LibTorch threads {get_num_threads()}"));
Console.WriteLine();
Console.WriteLine("| heads | test error (MSE per pixel) | vs copying the last frame | attention pairs vs dense | model MACs vs dense | forward ms (1 clip) | time vs dense |");
Console.WriteLine("|---|---|---|---|---|---|---|");
var baseline = VideoEvaluation.Of(x => zeros(x.shape[0], x.shape[1], 1, x.shape[3]), video.Test, count, patch);
double empty = baseline.Error;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| copy the last frame (no model) | {baseline.CopyLastError:F5} | 1.00 | - | - | - | - |"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| predict an empty frame (no model) | {empty:F5} | {empty / baseline.CopyLastError:F2} | - | - | - | - |"));

Tensor Dense() => network.forward(timedInput);
Row("dense", Fixed(HeadPattern.Dense));
Row("all spatial", Fixed(new SpatialPattern()));
Row("all temporal", Fixed(new TemporalPattern()));

var tally = attention.ToDictionary(a => a.Layer.Name, _ => new int[keyHeads]); // clips on which each head went temporal, with the first sample count
foreach (int n in sampleCounts) Online(n, n == samples ? tally : null);

var (calibration, _) = NextFrameBatches.Batch(video.Validation, NextFrameBatches.Range(0, 64), patch);
var calibrated = new OnlineProfiling(samples, seed: 1).Profile(network, calibration);
Row("online profiling once on 64 validation clips, then fixed", calibrated);
foreach (var file in (Option("--results") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
{
    var root = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
    var policy = HeadPolicies.FromEntries(root.GetProperty("best").GetProperty("policy").EnumerateArray()
        .Select(p => (p.GetProperty("layer").GetString()!, p.GetProperty("choice").GetString()!)));
    var job = root.GetProperty("spec");
    string counts = HeadPolicies.Counts(policy);
    Row(string.Create(CultureInfo.InvariantCulture, $"{job.GetProperty("agent").GetString()} job, MACs at {job.GetProperty("constraint").GetProperty("ratio").GetDouble():0.##} ({counts})"), policy);
}

Console.WriteLine();
Console.WriteLine($"Heads online profiling ({samples} queries a layer) made temporal (T) or spatial (S), on the {count} test clips one by one (the share of clips), and once on the calibration batch:");
Console.WriteLine();
Console.WriteLine($"| layer | {string.Join(" | ", Enumerable.Range(0, keyHeads).Select(h => $"head {h}"))} | calibrated |");
Console.WriteLine($"|---|{string.Concat(Enumerable.Repeat("---|", keyHeads))}---|");
foreach (var (layer, _) in attention)
{
    var cells = tally[layer.Name].Select(t => t * 2 >= count ? $"T {t * 100.0 / count:F0} %" : $"S {(count - t) * 100.0 / count:F0} %");
    string fixedHeads = string.Concat(calibrated[layer.Name].Select(p => p is TemporalPattern ? "T" : "S"));
    Console.WriteLine($"| {layer.Name} | {string.Join(" | ", cells)} | {fixedHeads} |");
}
return 0;

// Online profiling, each test clip on its own: the error, the average work of what it chose plus the profiling's, and the choices' tally.
void Online(int queries, Dictionary<string, int[]>? temporal)
{
    var online = new OnlineProfiling(queries, seed: 1);
    double chosenPairs = 0;
    network.ChooseHeadsOnline(online);
    var score = VideoEvaluation.Of(x =>
    {
        var y = network.forward(x);
        foreach (var (layer, heads) in online.Chosen)
            for (int h = 0; h < heads.Count; h++)
            {
                chosenPairs += AttentionWork.PrefillPairs(heads[h], frames, perFrame, false);
                if (heads[h] is TemporalPattern && temporal is not null) temporal[layer][h]++;
            }
        return y;
    }, video.Test, count, patch, batchSize: 1);
    double pairs = chosenPairs / count + attention.Count * keyHeads * OnlineProfiling.ProfilingPairs(queries, frames, perFrame);
    var (ms, denseMs) = Paired(() => network.forward(timedInput), () => { network.ChooseHeadsOnline(null); var y = Dense(); network.ChooseHeadsOnline(online); return y; });
    network.ChooseHeadsOnline(null);
    Print($"online profiling ({queries} queries a layer, each clip)", score.Error, pairs, ms, denseMs);
}

IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>> Fixed(HeadPattern pattern) =>
    attention.ToDictionary(a => a.Layer.Name, _ => (IReadOnlyList<HeadPattern>)[.. Enumerable.Repeat(pattern, keyHeads)]);

void Row(string name, IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>> policy)
{
    network.Sparsify(policy);
    double error = VideoEvaluation.Of(network, video.Test, count, patch).Error;
    double pairs = policy.Values.Sum(heads => heads.Sum(h => AttentionWork.PrefillPairs(h, frames, perFrame, false)));
    var (ms, denseMs) = Paired(Dense, () => { network.Sparsify(null); var y = Dense(); network.Sparsify(policy); return y; });
    network.Sparsify(null);
    Print(name, error, pairs, ms, denseMs);
}

void Print(string name, double error, double pairs, double ms, double denseMs)
{
    double macs = otherMacs + attentionDenseMacs * pairs / densePairs;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {error:F5} | {error / baseline.CopyLastError:F2} | {pairs / densePairs:F3} | {macs / network.Analysis.Macs:F3} | {ms:F1} | {ms / denseMs:F2} |"));
}

// Medians of each, run alternately after two warm-up runs.
(double, double) Paired(Func<Tensor> run, Func<Tensor> dense)
{
    var (times, denseTimes) = (new List<double>(), new List<double>());
    for (int i = 0; i < runs + 2; i++)
        foreach (var (f, list) in new[] { (run, times), (dense, denseTimes) })
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            f();
            if (i >= 2) list.Add(watch.Elapsed.TotalMilliseconds);
        }
    times.Sort();
    denseTimes.Sort();
    return (times[times.Count / 2], denseTimes[denseTimes.Count / 2]);
}

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
