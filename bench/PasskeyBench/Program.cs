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
using Microsoft.Extensions.Logging.Abstractions;

// Passkey retrieval of the trained GPT at its own context (128 characters) by the needle's depth, and its test
// perplexity, with every head dense, every head in one sparse pattern, and the head patterns of `heads` jobs
// (their result files). Fillers come from the test years; --windows per depth, seed 1. With --fine-tune N the GPT is
// first fine-tuned N epochs on the corpus mixed with passkey windows (--share of each batch; a tenth of its training
// rate, no warm-up) and saved to --save, or loaded from there when it holds a model.
//
//   dotnet run -c Release --project bench/PasskeyBench [-- --windows 200] [--results a-result.json,b-result.json]
//       [--fine-tune 2 --share 0.25 --save DIR]
TorchRuntime.EnsureInitialized();
int count = int.Parse(Option("--windows") ?? "200", CultureInfo.InvariantCulture);
var folder = DataFolder.Default();
var saved = new BaseModels(folder, NullLogger.Instance).GetOrTrain("gpt", "sotu", TrainingOptions.RecipeFor("gpt")).Model;
var corpus = DatasetCatalog.LoadText("sotu", folder);
string? save = Option("--save");
if (Option("--fine-tune") is { } epochs && !(save is not null && SavedModel.IsSavedModel(save)))
{
    using var tuning = saved.CreateNetwork();
    var recipe = TrainingOptions.RecipeFor("gpt");
    var options = recipe with { Epochs = int.Parse(epochs, CultureInfo.InvariantCulture), WarmupSteps = 0, LearningRate = recipe.LearningRate / 10 };
    var mixture = new PasskeyMixture(corpus.Train, tuning.Spec.Input.Width, options.BatchSize, double.Parse(Option("--share") ?? "0.25", CultureInfo.InvariantCulture));
    var clock = System.Diagnostics.Stopwatch.StartNew();
    new LanguageModelTrainer(NullLogger.Instance).Train(tuning, corpus, options, onEpoch: e => Console.Error.WriteLine($"epoch {e.Epoch}: validation perplexity {e.ValidationPerplexity:F3}"),
        batches: mixture.Batch);
    Console.WriteLine($"fine-tuned {epochs} epochs on the passkey mixture in {clock.Elapsed.TotalSeconds:F0} s");
    saved = SavedModel.Save(save ?? Path.Combine(Path.GetTempPath(), "passkey-gpt"), tuning, saved.Card with { Model = "gpt, passkey mixture" });
}
else if (save is not null && SavedModel.IsSavedModel(save)) saved = SavedModel.Load(save);
using var network = saved.CreateNetwork();
network.eval();
var spec = network.Spec;
int context = spec.Input.Width;
double[] depths = [0, 0.25, 0.5, 0.75, 1];
var windows = depths.Select(d => { var random = new SplitMix64(1); return Enumerable.Range(0, count).Select(_ => PasskeyTask.Make(corpus.Test, context, d, random)).ToList(); }).ToList();
var attention = spec.Layers.Select((l, i) => (l, i)).Where(p => p.l.Op == LayerOp.Attention).ToList();
int keyHeads = network.Analysis[spec.InputsOf(attention[0].i)[1]].OutputShape.Channels / attention[0].l.HeadSize!.Value;

var rows = new List<(string Name, IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>? Policy)> { ("dense", null) };
foreach (var name in new[] { "pages-p16-b64", "streaming-s4-w32", "streaming-s4-w16" })
    rows.Add(($"every head {name}", attention.ToDictionary(a => a.l.Name, _ => (IReadOnlyList<HeadPattern>)[.. Enumerable.Repeat(HeadPattern.Parse(name), keyHeads)])));
foreach (var file in (Option("--results") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
{
    var policy = JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("best").GetProperty("policy").EnumerateArray()
        .Select(p => (Layer: p.GetProperty("layer").GetString()!, Pattern: HeadPattern.Parse(p.GetProperty("choice").GetString()!)))
        .GroupBy(p => p.Layer[..p.Layer.LastIndexOf('[')]).ToDictionary(g => g.Key, g => (IReadOnlyList<HeadPattern>)[.. g.Select(p => p.Pattern)]);
    string counts = string.Join(", ", policy.Values.SelectMany(v => v).GroupBy(p => p.Name).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"));
    rows.Add(($"{Path.GetFileNameWithoutExtension(file)} ({counts})", policy));
}

Console.WriteLine($"| heads | test perplexity | {string.Join(" | ", depths.Select(d => $"retrieved at depth {d:0.##}"))} | digits right |");
Console.WriteLine($"|---|---|{string.Concat(depths.Select(_ => "---|"))}---|");
foreach (var (name, policy) in rows)
{
    network.Sparsify(policy);
    double perplexity = TextEvaluation.Of(network, corpus.Test, context, batchSize: 32).Perplexity;
    var results = windows.Select(w => PasskeyRetrieval.Of(network.forward, w)).ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {perplexity:F3} | {string.Join(" | ", results.Select(r => $"{r.Accuracy:P0}"))} | {results.Average(r => r.DigitAccuracy):P1} |"));
}
return 0;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
