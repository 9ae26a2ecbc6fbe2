using System.Globalization;
using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.HardwareProfiler.Serving;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Data.Text;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

// The serving formats on the two transformers trained here: the GPT (sotu, test perplexity) and the ViT
// (fashion-mnist, test accuracy). Every row is calibrated on training data (32 windows of the GPT's context, 256 ViT
// images), applied to every q/k/v/o and MLP projection (the head stays FP16), and scored in TorchSharp on the whole
// test split. Weight bytes count the projections in their format and everything else in FP16; KV bytes are for one
// sequence of 1,024 tokens; the A100 column is the serving model's largest throughput (1,024 tokens in, 512 out,
// batch up to 256). Formats ONNX Runtime has kernels for are exported and run there: file size, the score on the
// first --ort-windows test windows (or images) beside TorchSharp's on the same ones, and the median latency of one
// batch-1 forward (the GPT's prefill of 128 tokens) against the FP32 file's, the two run alternately; for the GPT
// also one decode step (one token, a KV cache of 127) against the FP32 decode step.
// The ONNX files apply the cache format to each token's key and value (the cache tensors themselves stay float32).
//
//   dotnet run -c Release --project bench/FormatBench [-- --quick] [--timing-only] [--models gpt,vit] [--alpha 0.5] [--ort-windows 300]
TorchRuntime.EnsureInitialized();
bool quick = args.Contains("--quick");
bool timingOnly = args.Contains("--timing-only"); // sizes and ONNX Runtime times only: no scoring
var models = (Option("--models") ?? "gpt,vit").Split(',');
var settings = new FormatSettings(SmoothingAlpha: double.Parse(Option("--alpha") ?? "0.5", CultureInfo.InvariantCulture));
int ortSamples = int.Parse(Option("--ort-windows") ?? (quick ? "50" : "300"), CultureInfo.InvariantCulture);
var folder = DataFolder.Default();
var baseModels = new BaseModels(folder, NullLogger.Instance);
var a100 = new ServingCostModel(ServingGpu.Preset("serving-a100"));

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
    network.eval();
    var spec = network.Spec;
    int context = spec.Input.Width;
    TextCorpus? corpus = language ? DatasetCatalog.LoadText(dataset, folder) : null;
    Dataset? images = language ? null : DatasetCatalog.Load(dataset, folder);
    TorchSharp.torch.Tensor calibrationInputs;
    if (corpus is not null)
        calibrationInputs = TokenWindows.Batch(corpus.Train, context, TokenWindows.RandomStarts(corpus.Train, context, 32, new SplitMix64(5))).Inputs;
    else
    {
        using var train = new BatchSource(images!.Train.Sample(256), saved.Card.Mean, saved.Card.Std);
        calibrationInputs = train.Range(0, 256).Images;
    }
    var ortImages = images?.Test.Sample(ortSamples);

    string Score(int samples) // the network as deployed now, on the test split's first samples (0: all)
    {
        if (timingOnly) return samples == 0 ? "- | -" : "-";
        if (corpus is not null)
        {
            var e = TextEvaluation.Of(network, corpus.Test, context, batchSize: 32, maxWindows: samples == 0 && quick ? 200 : samples);
            return samples == 0 ? $"{e.Perplexity:F3} | {e.Accuracy:P2}" : e.Perplexity.ToString("F3", CultureInfo.InvariantCulture);
        }
        var set = samples == 0 ? (quick ? images!.Test.Sample(1_000) : images!.Test) : ortImages!;
        var c = Evaluation.Of(network, set, saved.Card.Mean, saved.Card.Std);
        return samples == 0 ? $"{c.Accuracy:P2} | {c.Loss:F4}" : c.Accuracy.ToString("P2", CultureInfo.InvariantCulture);
    }

    NamedOnnxValue Input(int index)
    {
        if (corpus is not null)
        {
            var ids = TokenWindows.Batch(corpus.Test, context, [index * (long)context]).Inputs.reshape(1, context);
            return NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<long>(ids.data<long>().ToArray(), [1, context]));
        }
        using var source = new BatchSource(ortImages!, saved.Card.Mean, saved.Card.Std);
        var image = source.Range(index, 1).Images;
        return NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<float>(image.data<float>().ToArray(), [.. image.shape.Select(d => (int)d)]));
    }

    string OrtScore(InferenceSession session) => timingOnly ? "-" : corpus is not null
        ? OnnxScoring.Perplexity(session, corpus.Test, context, ortSamples).ToString("F3", CultureInfo.InvariantCulture)
        : OnnxScoring.Accuracy(session, ortImages!, saved.Card.Mean, saved.Card.Std).ToString("P2", CultureInfo.InvariantCulture);

    byte[] floatFile = OnnxExporter.Export(network).ToByteArray();
    using var floatSession = new InferenceSession(floatFile);
    var probe = Input(0);
    using var floatDecode = language ? new InferenceSession(OnnxExporter.Export(network, new OnnxExportOptions { DecodeStep = true }).ToByteArray()) : null;
    var step = language ? ServingFiles.DecodeStepInputs(network, context - 1) : null;

    using var calibration = new FormatCalibration(network, calibrationInputs);
    using var kernels = new FormatKernels(network, calibration, settings);
    var rows = language ? languageRows : languageRows.Where(r => r.Cache == "kv16").ToArray(); // an encoder keeps no KV cache
    string unit = language ? "perplexity" : "accuracy";
    Console.WriteLine($"### {model} / {dataset}: {spec.Analyze().Params:N0} parameters{(quick ? " (quick)" : "")}");
    Console.WriteLine();
    Console.WriteLine($"| weights | KV cache | test {(language ? "perplexity | next-token accuracy" : "accuracy | test loss")} | weight bytes |" +
                      $"{(language ? " KV bytes at 1,024 tokens | modelled A100 tokens/s |" : "")} ONNX bytes | ONNX Runtime {unit} ({ortSamples} {(language ? "windows" : "images")}) | TorchSharp, same | ONNX Runtime ms, batch 1 | vs FP32 file |" +
                      (language ? $" decode step ms (cache of {context - 1}) | vs FP32 decode |" : ""));
    Console.WriteLine($"|---|---|---|---|---|---|{(language ? "---|---|---|---|" : "")}---|---|---|---|");
    foreach (var (format, cache) in rows)
    {
        var policy = FormatPolicy.Uniform(spec, ProjectionFormat.Parse(format), KvCacheFormat.Parse(cache));
        using var deployment = kernels.Deploy(policy);
        string result = Score(0);
        string served = language
            ? string.Create(CultureInfo.InvariantCulture, $" {FormatSizes.KvBytes(spec, policy, 1_024):N0} | {a100.MaxThroughput(ServingWorkload.From(spec, policy), 1024, 512)!.TokensPerSecond:N0} |")
            : "";
        string onnx;
        try
        {
            byte[] file = OnnxExporter.Export(network).ToByteArray();
            using var session = new InferenceSession(file);
            var (ms, floatMs) = OnnxLatency.Paired(session, floatSession, [probe]);
            onnx = string.Create(CultureInfo.InvariantCulture, $"{file.Length:N0} | {OrtScore(session)} | {Score(ortSamples)} | {ms:F2} | {ms / floatMs:F2} |");
            if (language)
            {
                using var decode = new InferenceSession(OnnxExporter.Export(network, new OnnxExportOptions { DecodeStep = true }).ToByteArray());
                var (stepMs, floatStepMs) = OnnxLatency.Paired(decode, floatDecode!, step!);
                onnx += string.Create(CultureInfo.InvariantCulture, $" {stepMs:F3} | {stepMs / floatStepMs:F2} |");
            }
        }
        catch (NotSupportedException)
        {
            onnx = "no ONNX Runtime kernel | | | | |" + (language ? " | |" : "");
        }
        Console.WriteLine($"| {format} | {cache} | {result} | {FormatSizes.WeightBytes(spec, policy):N0} |{served} {onnx}");
    }
    Console.WriteLine();
}
return 0;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
