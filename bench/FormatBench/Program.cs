using System.Diagnostics;
using System.Globalization;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

// The serving formats on the two transformers trained here: the GPT (sotu, test perplexity) and the ViT
// (fashion-mnist, test accuracy). Every format row is calibrated on training data (32 windows of the GPT's context,
// 256 ViT images), applied to every q/k/v/o and MLP projection (the head stays FP16), and scored on the whole
// test split. Weight bytes count the projections in their format and everything else in FP16; KV bytes are
// for one sequence of 1,024 tokens.
//
//   dotnet run -c Release --project bench/FormatBench [-- --quick] [--models gpt,vit] [--alpha 0.5]
TorchRuntime.EnsureInitialized();
bool quick = args.Contains("--quick");
var models = (Option("--models") ?? "gpt,vit").Split(',');
var settings = new FormatSettings(SmoothingAlpha: double.Parse(Option("--alpha") ?? "0.5", CultureInfo.InvariantCulture));
var folder = DataFolder.Default();
var baseModels = new BaseModels(folder, NullLogger.Instance);

(string Format, string Cache)[] languageRows =
[
    ("fp32", "kv16"), ("fp16", "kv16"),
    ("w8a8", "kv16"), ("w8a8-smooth", "kv16"),
    ("w4a16-g128", "kv16"), ("w4a16-awq-g128", "kv16"), ("w4a16-g32", "kv16"), ("w4a16-awq-g32", "kv16"),
    ("w4a8", "kv16"), ("w4a8-g128", "kv16"), ("w4a8-smooth-g128", "kv16"),
    ("w4a4-g64", "kv16"), ("w4a4-smooth-g64", "kv16"), ("w4a4-svd-r16-g64", "kv16"), ("w4a4-svd-r32-g64", "kv16"),
    ("fp16", "kv8"), ("fp16", "kv4"), ("fp16", "kv4-smooth"),
    ("w4a8-g128", "kv4"), ("w4a8-g128", "kv4-smooth"),
];

foreach (var model in models)
{
    bool language = model.StartsWith("gpt", StringComparison.Ordinal) || model.StartsWith("llama", StringComparison.Ordinal);
    string dataset = language ? "sotu" : "fashion-mnist";
    var saved = baseModels.GetOrTrain(model, dataset, TrainingOptions.RecipeFor(model)).Model;
    using var network = saved.CreateNetwork();
    var spec = network.Spec;
    Func<string> score;
    Tensor calibrationInputs;
    string metric;
    if (language)
    {
        var corpus = DatasetCatalog.LoadText(dataset, folder);
        int context = spec.Input.Width;
        calibrationInputs = TokenWindows.Batch(corpus.Train, context, TokenWindows.RandomStarts(corpus.Train, context, 32, new SplitMix64(5))).Inputs;
        int windows = quick ? 200 : 0;
        score = () => { var e = TextEvaluation.Of(network, corpus.Test, context, batchSize: 32, maxWindows: windows); return $"{e.Perplexity:F3} | {e.Accuracy:P2}"; };
        metric = "test perplexity | next-token accuracy";
    }
    else
    {
        var data = DatasetCatalog.Load(dataset, folder);
        using var train = new BatchSource(data.Train.Sample(256), saved.Card.Mean, saved.Card.Std);
        calibrationInputs = train.Range(0, 256).Images;
        var test = quick ? data.Test.Sample(1_000) : data.Test;
        score = () => { var e = Evaluation.Of(network, test, saved.Card.Mean, saved.Card.Std); return $"{e.Accuracy:P2} | {e.Loss:F4}"; };
        metric = "test accuracy | test loss";
    }
    using var calibration = new FormatCalibration(network, calibrationInputs);
    using var kernels = new FormatKernels(network, calibration, settings);
    var rows = language ? languageRows : languageRows.Where(r => r.Cache == "kv16").ToArray(); // an encoder keeps no KV cache
    Console.WriteLine($"### {model} / {dataset}: {spec.Analyze().Params:N0} parameters{(quick ? " (quick: part of the test split)" : "")}");
    Console.WriteLine();
    Console.WriteLine($"| weights | KV cache | {metric} | weight bytes |{(language ? " KV bytes at 1,024 tokens |" : "")} seconds |");
    Console.WriteLine($"|---|---|---|---|---|---|{(language ? "---|" : "")}");
    foreach (var (format, cache) in rows)
    {
        var watch = Stopwatch.StartNew();
        var policy = FormatPolicy.Uniform(spec, ProjectionFormat.Parse(format), KvCacheFormat.Parse(cache));
        using var deployment = kernels.Deploy(policy);
        string result = score();
        string kv = language ? $" {FormatSizes.KvBytes(spec, policy, 1_024):N0} |" : "";
        Console.WriteLine($"| {format} | {cache} | {result} | {FormatSizes.WeightBytes(spec, policy):N0} |{kv} {watch.Elapsed.TotalSeconds:F0} |");
    }
    Console.WriteLine();
}
return 0;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
