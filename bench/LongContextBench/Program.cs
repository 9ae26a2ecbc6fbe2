using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Data.Text;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Kinds.Heads;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Policy = System.Collections.Generic.IReadOnlyDictionary<string, System.Collections.Generic.IReadOnlyList<AutoDesign.Modeling.Sparsity.HeadPattern>>;

// The long-context language model (issue 18, parts 2 and 5). First the model: the trained --model (gpt or llama; sotu,
// 128 characters) taught to
// retrieve in stages of growing context (LongContextTraining; --stages, default 128x32:300,1024x4:250,2048x2:150);
// after each stage longer than 128 it is saved in the data folder as the upload MODEL-sotu-N-passkey, which heads jobs
// take as "model":"upload:llama-sotu-1024-passkey","dataset":"sotu-1024". Saved models are loaded, not retrained.
// Then, for each saved context (--contexts, default all):
//  - the dense model's retrieval by context length (cut to a quarter, a half and all of its context) and depth;
//  - per head policy: retrieval by depth, test perplexity (--test-windows), the modelled prefill and decode time on
//    serving-a100 at batch 64 (HeadsCost), and the measured CPU time of the whole model's prefill of one window and
//    of every attention layer's decode step for --decode-batch sequences (16) over full caches, as ratios to dense
//    (alternated, medians of --runs).
// Policies: dense; half the heads streaming (4 sinks and a window of context/16) chosen by importance (the loss each
// head alone causes when streaming, on validation passkey windows and text) and chosen at random (seeds 1-3); every
// head page selection at budgets of 64, 128 and 256 tokens; and the best policies of heads jobs (--results, each
// applied to the model of its job's data set). Passkey windows: --windows per depth, fillers from the test years.
//
//   dotnet run -c Release --project bench/LongContextBench [-- --model gpt|llama] [--base-epochs N] [--stages 128x32:300,1024x4:250,2048x2:150]
//       [--contexts 1024,2048] [--windows 50] [--test-windows 64] [--runs 7] [--decode-batch 16] [--threads N] [--results a-result.json,b-result.json]
TorchRuntime.EnsureInitialized();
if (Option("--threads") is { } threads) set_num_threads(int.Parse(threads, CultureInfo.InvariantCulture)); // beside another job on 2 cores, 1 avoids oversubscription
using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }));
var logger = loggers.CreateLogger("long-context");
var folder = DataFolder.Default();
var corpus = DatasetCatalog.LoadText("sotu", folder);
string family = Option("--model") ?? "gpt";
if (family is not ("gpt" or "llama")) throw new ArgumentException($"--model is gpt or llama, not '{family}'");
var stages = (Option("--stages") ?? "128x32:300,1024x4:250,2048x2:150").Split(',').Select(ContextStage.Parse).ToList();
int windowsPerDepth = Int("--windows", 50), testWindows = Int("--test-windows", 64), runs = Int("--runs", 7), decodeBatch = Int("--decode-batch", 16);
double[] depths = [0, 0.25, 0.5, 0.75, 1];

var models = LongContextModels();
var only = Option("--contexts")?.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToHashSet();
var resultFiles = (Option("--results") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
foreach (var (context, saved) in models.Where(m => only is null || only.Contains(m.Key)))
{
    using var network = saved.CreateNetwork();
    Console.WriteLine($"\n## {family} at {context} characters ({saved.Directory})\n");
    var test = Probes(corpus.Test, context, 1);
    RetrievalByLength(network, context);

    var attention = network.Spec.Layers.Where(l => l.Op == LayerOp.Attention).Select(l => l.Name).ToList();
    int heads = network.Analysis[network.Spec.InputsOf(network.Spec.Layers.ToList().FindIndex(l => l.Name == attention[0]))[1]].OutputShape.Channels
                / network.Spec.Layer(attention[0]).HeadSize!.Value;
    var allHeads = attention.SelectMany(l => Enumerable.Range(0, heads).Select(h => (Layer: l, Head: h))).ToList();
    var streaming = new StreamingPattern(4, context / 16);
    Policy Uniform(HeadPattern p) => attention.ToDictionary(l => l, _ => (IReadOnlyList<HeadPattern>)[.. Enumerable.Repeat(p, heads)]);
    Policy Streaming(IEnumerable<(string Layer, int Head)> chosen)
    {
        var set = chosen.ToHashSet();
        return attention.ToDictionary(l => l, l => (IReadOnlyList<HeadPattern>)[.. Enumerable.Range(0, heads).Select(h => set.Contains((l, h)) ? streaming : HeadPattern.Dense)]);
    }

    var clock = Stopwatch.StartNew();
    var importance = Importance(network, context, allHeads, Streaming);
    Console.WriteLine($"Importance of each head ({streaming.Name} alone; {clock.Elapsed.TotalSeconds:F0} s): " +
                      string.Join(", ", importance.OrderBy(i => i.Value).Select(i => $"{i.Key.Layer}[{i.Key.Head}] {i.Value:F3}")) + "\n");

    var rows = new List<(string Name, Policy? Policy)> { ("dense", null) };
    rows.Add(($"half streaming by importance ({streaming.Name})", Streaming(importance.OrderBy(i => i.Value).Take(allHeads.Count / 2).Select(i => i.Key))));
    foreach (int seed in new[] { 1, 2, 3 })
    {
        var random = new SplitMix64((ulong)seed);
        rows.Add(($"half streaming at random, seed {seed}", Streaming(allHeads.OrderBy(_ => random.NextDouble()).Take(allHeads.Count / 2))));
    }
    foreach (int budget in new[] { 64, 128, 256 }) rows.Add(($"every head pages-p16-b{budget}", Uniform(new PageSelectionPattern(16, budget))));
    foreach (var json in JobResults().Where(r => r.GetProperty("spec").GetProperty("dataset").GetString() == $"sotu-{context}"))
    {
        var policy = HeadPolicies.FromEntries(json.GetProperty("best").GetProperty("policy").EnumerateArray()
            .Select(p => (p.GetProperty("layer").GetString()!, p.GetProperty("choice").GetString()!)));
        string counts = HeadPolicies.Counts(policy);
        var spec = json.GetProperty("spec");
        rows.Add(($"{spec.GetProperty("agent").GetString()} job, {spec.GetProperty("constraint").GetProperty("metric").GetString()} at {spec.GetProperty("constraint").GetProperty("ratio").GetDouble():0.##} ({counts})", policy));
    }

    var prefillCost = new HeadsCost(network.Spec, HeadsCost.Prefill, "serving-a100", context, 64);
    var decodeCost = new HeadsCost(network.Spec, HeadsCost.Decode, "serving-a100", context, 64);
    double densePrefill = prefillCost.Of(null), denseDecode = decodeCost.Of(null);
    Console.WriteLine($"| heads | {string.Join(" | ", depths.Select(d => $"retrieved at depth {d:0.##}"))} | retrieved | digits right | test perplexity | " +
                      "modelled prefill | modelled decode | CPU prefill | CPU decode attention |");
    Console.WriteLine($"|---|{string.Concat(depths.Select(_ => "---|"))}---|---|---|---|---|---|---|");
    foreach (var (name, policy) in rows)
    {
        network.Sparsify(policy);
        var retrieval = test.Select(w => PasskeyRetrieval.Of(network.forward, w)).ToList();
        double perplexity = TextEvaluation.Of(network, corpus.Test, context, batchSize: 8, maxWindows: testWindows).Perplexity;
        double prefill = Paired(() => { network.Sparsify(policy); return Prefill(network, context); }, () => { network.Sparsify(null); return Prefill(network, context); });
        var (decodeStep, denseStep) = (DecodeAttention(network, policy, context, heads), DecodeAttention(network, null, context, heads));
        double decode = Paired(decodeStep, denseStep);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {string.Join(" | ", retrieval.Select(r => $"{r.Accuracy:P0}"))} | {retrieval.Average(r => r.Accuracy):P1} | {retrieval.Average(r => r.DigitAccuracy):P1} | {perplexity:F3} | " +
            $"{prefillCost.Of(policy) / densePrefill:F3} | {decodeCost.Of(policy) / denseDecode:F3} | {prefill:F2} | {decode:F2} |"));
    }
}
return 0;

// The staged models, trained where the data folder does not hold them yet.
SortedDictionary<int, SavedModel> LongContextModels()
{
    var uploads = new UploadedModels(folder).Root;
    string PathOf(int context) => Path.Combine(uploads, $"{family}-sotu-{context}-passkey");
    var saved = new SortedDictionary<int, SavedModel>();
    foreach (var stage in stages.Where(s => s.Context > SotuSourceContext && SavedModel.IsSavedModel(PathOf(s.Context))))
        saved[stage.Context] = SavedModel.Load(PathOf(stage.Context));
    if (stages.Where(s => s.Context > SotuSourceContext).All(s => saved.ContainsKey(s.Context))) return saved;

    var start = new BaseModels(folder, logger).GetOrTrain(family, "sotu", TrainingOptions.RecipeFor(family) is var recipe && Option("--base-epochs") is { } epochs
        ? recipe with { Epochs = int.Parse(epochs, CultureInfo.InvariantCulture) } : recipe).Model;
    using var network = start.CreateNetwork();
    var clock = Stopwatch.StartNew();
    using var last = new LongContextTraining(logger).Train(network, corpus, stages, (stage, model, history) =>
    {
        double seconds = clock.Elapsed.TotalSeconds;
        var probes = Probes(corpus.Validation, stage.Context, 2);
        var r = probes.Select(w => PasskeyRetrieval.Of(model.forward, w)).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stage {stage}: {seconds:F0} s in all, validation perplexity {history[^1].ValidationPerplexity:F3}, validation retrieval {r.Average(x => x.Accuracy):P1} (digits {r.Average(x => x.DigitAccuracy):P1})"));
        if (stage.Context <= SotuSourceContext) return;
        var card = start.Card with
        {
            Model = $"{family}, passkey mixture, stages {string.Join(',', stages.TakeWhile(s => s != stage))}{(stages[0] == stage ? "" : ",")}{stage}",
            Dataset = $"sotu-{stage.Context}", SpecHash = model.Spec.ContentHash(), History = history, TrainingSeconds = seconds,
            ValidationPerplexity = history[^1].ValidationPerplexity, TestPerplexity = null, TestAccuracy = null, CreatedAt = DateTimeOffset.UtcNow,
        };
        saved[stage.Context] = SavedModel.Save(PathOf(stage.Context), model, card);
    });
    return saved;
}

// The heads jobs' results, read when a context's table starts: the jobs may run beside the training of longer stages.
IEnumerable<JsonElement> JobResults()
{
    foreach (string file in resultFiles)
        if (File.Exists(file)) yield return JsonDocument.Parse(File.ReadAllText(file)).RootElement;
        else Console.WriteLine($"(no result in {file} yet)");
}

// Passkey windows at every depth, the same for every policy.
List<List<PasskeyWindow>> Probes(byte[] filler, int context, ulong seed) =>
    [.. depths.Select(d => { var random = new SplitMix64(seed); return Enumerable.Range(0, windowsPerDepth).Select(_ => PasskeyTask.Make(filler, context, d, random)).ToList(); })];

void RetrievalByLength(SpecNetwork network, int context)
{
    Console.WriteLine($"| length | {string.Join(" | ", depths.Select(d => $"depth {d:0.##}"))} | all |");
    Console.WriteLine($"|---|{string.Concat(depths.Select(_ => "---|"))}---|");
    foreach (int length in new[] { 128, context / 4, context / 2, context }.Where(l => l >= 128).Distinct())
    {
        using var cut = ContextLength.Resize(network, length);
        var r = Probes(corpus.Test, length, 1).Select(w => PasskeyRetrieval.Of(cut.forward, w)).ToList();
        Console.WriteLine($"| {length} | {string.Join(" | ", r.Select(x => $"{x.Accuracy:P0}"))} | {r.Average(x => x.Accuracy):P1} |");
    }
    Console.WriteLine();
}

// The loss one head causes alone when streaming: the retrieval digits it costs plus ln of its perplexity ratio,
// on validation passkey windows (a tenth of --windows per depth, at least 8) and 16 validation windows of text.
Dictionary<(string Layer, int Head), double> Importance(SpecNetwork network, int context, List<(string Layer, int Head)> all, Func<IEnumerable<(string, int)>, Policy> streaming)
{
    var probes = depths.Select(d => { var random = new SplitMix64(5); return Enumerable.Range(0, Math.Max(8, windowsPerDepth / 10)).Select(_ => PasskeyTask.Make(corpus.Validation, context, d, random)).ToList(); })
        .SelectMany(w => w).ToList();
    (double Digits, double Perplexity) Measure(Policy? policy)
    {
        network.Sparsify(policy);
        return (PasskeyRetrieval.Of(network.forward, probes).DigitAccuracy, TextEvaluation.Of(network, corpus.Validation, context, batchSize: 8, maxWindows: 16).Perplexity);
    }
    var dense = Measure(null);
    var loss = all.ToDictionary(h => h, h =>
    {
        var (digits, perplexity) = Measure(streaming([h]));
        return dense.Digits - digits + Math.Log(perplexity / dense.Perplexity);
    });
    network.Sparsify(null);
    return loss;
}

Tensor Prefill(SpecNetwork network, int context)
{
    using var noGrad = no_grad();
    return network.forward(zeros(1, 1, 1, context, dtype: ScalarType.Int64));
}

// One decode step's attention in every layer over caches of `context` tokens: the heads of one pattern together, as
// a kernel would take them; page statistics are the cache's (computed once, outside the timing).
Func<Tensor> DecodeAttention(SpecNetwork network, Policy? policy, int context, int heads)
{
    using var noGrad = no_grad();
    var attention = network.Spec.Layers.Where(l => l.Op == LayerOp.Attention).ToList();
    var steps = new List<Func<Tensor>>();
    foreach (var layer in attention)
    {
        int size = layer.HeadSize!.Value;
        var patterns = policy?.GetValueOrDefault(layer.Name) ?? [.. Enumerable.Repeat(HeadPattern.Dense, heads)];
        foreach (var group in patterns.Select((p, h) => (p, h)).GroupBy(x => x.p))
        {
            int n = group.Count();
            var (q, k, v) = (randn(decodeBatch, n, 1, size), randn(decodeBatch, n, context, size), randn(decodeBatch, n, context, size));
            steps.Add(group.Key switch
            {
                StreamingPattern s => () => F.scaled_dot_product_attention(q, cat([k.narrow(2, 0, s.Sinks), k.narrow(2, context - s.Window, s.Window)], 2),
                    cat([v.narrow(2, 0, s.Sinks), v.narrow(2, context - s.Window, s.Window)], 2)),
                PageSelectionPattern p when PageSelection.Statistics(k, p.PageSize, (context - 1) / p.PageSize) is var statistics =>
                    () => PageSelection.Decode(p, q, k, v, statistics),
                _ => () => F.scaled_dot_product_attention(q, k, v),
            });
        }
    }
    return () =>
    {
        using var noGrad = no_grad();
        Tensor last = null!;
        foreach (var step in steps) last = step();
        return last;
    };
}

// The policy's time over dense's: both run alternately, medians after a warm-up run each.
double Paired(Func<Tensor> run, Func<Tensor> dense)
{
    var (times, denseTimes) = (new List<double>(), new List<double>());
    for (int i = 0; i < runs + 1; i++)
        foreach (var (f, list) in new[] { (run, times), (dense, denseTimes) })
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            f();
            if (i >= 1) list.Add(watch.Elapsed.TotalMilliseconds);
        }
    times.Sort();
    denseTimes.Sort();
    return times[times.Count / 2] / denseTimes[denseTimes.Count / 2];
}

int Int(string name, int fallback) => Option(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

internal static partial class Program
{
    private const int SotuSourceContext = 128;
}
