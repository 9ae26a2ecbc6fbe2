using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.HardwareProfiler.Measured;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Import;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Kinds.Prune;
using AutoDesign.Search.Kinds.Quantize;
using AutoDesign.Search.Recovery;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;
using static TorchSharp.torch;

// The user's journey of the README: Fashion-MNIST written out as an image folder, a network trained on it in PyTorch
// and exported to ONNX, imported, pruned to half its MACs, quantized to a latency budget, exported to ONNX again, and
// that file scored in ONNX Runtime on the folder's val/ images. Prints every figure along the way. The image folder
// and the PyTorch model are kept in the work folder and reused by later runs.
//
//   dotnet run -c Release --project bench/ImportJourney [-- --epochs 3] [--episodes 30] [--no-refit] [--work DIR]
// Needs Debian's PyTorch for the training step (apt-get install python3-torch python3-torchvision python3-onnx).
TorchRuntime.EnsureInitialized();
int epochs = Option("--epochs", 3), episodes = Option("--episodes", 30);
bool refit = !args.Contains("--no-refit");
string work = Value("--work") ?? Path.Combine(Path.GetTempPath(), "autodesign-journey");
string images = Path.Combine(work, "fashion-folder"), dataset = "imagefolder:" + images;
var folder = DataFolder.Default();
var clock = Stopwatch.StartNew();
Step($"writing Fashion-MNIST as an image folder in {images}");
if (!File.Exists(Path.Combine(images, "dataset.json"))) WriteImageFolder(DatasetCatalog.Load("fashion-mnist", folder), images);

Step($"training in PyTorch for {epochs} epochs");
string trained = Path.Combine(work, $"trained-{epochs}.onnx"), trainedResult = trained + ".json";
if (!File.Exists(trainedResult)) File.WriteAllText(trainedResult, JsonSerializer.Serialize(TrainInPyTorch(images, trained, epochs)));
var pytorch = JsonSerializer.Deserialize<PyTorchResult>(File.ReadAllText(trainedResult))!;

Step("importing");
var bytes = File.ReadAllBytes(trained);
var imported = OnnxImporter.Import(bytes, "journey");
var check = ImportCheck.Run(bytes, imported);
var upload = new UploadedModels(folder).Save("journey", dataset, imported);

Step($"pruning to 50 % of the MACs ({episodes} DDPG episodes with least-squares refit, then one epoch of fine-tuning)");
var logger = NullLogger.Instance;
var pruned = LocalJobs.Run(new PruneSpec
{
    Model = "upload:journey", Dataset = dataset, Agent = "ddpg", Seed = 1,
    Constraint = new ConstraintSpec { Metric = "flops", Ratio = 0.5 },
    Budget = new EpisodeBudget { Episodes = episodes, WarmupEpisodes = Math.Max(1, episodes / 6) },
    Pruning = new PruningSettings { Refit = refit, FineTuneEpochs = 1, ValidationImages = 2_000 },
}, new JobContext(folder, logger) { BestModelDirectory = Path.Combine(work, "pruned") });

Step("quantizing the pruned network to 80 % of its W8A8 latency on bitfusion");
var quantized = LocalJobs.Run(new QuantizeSpec
{
    Model = pruned.Best.SavedModel, Dataset = dataset, Agent = "ddpg", Seed = 1,
    Constraint = new ConstraintSpec { Metric = "latency", Target = "bitfusion", Ratio = 0.8 },
    Budget = new EpisodeBudget { Episodes = episodes, WarmupEpisodes = Math.Max(1, episodes / 6) },
    Quantization = new QuantizationSettings(),
    Recovery = new RecoverySpec { Epochs = 0 }, // the export is checked against the design as the job scored it
}, new JobContext(folder, logger) { BestModelDirectory = Path.Combine(work, "quantized") });

Step("exporting the quantized design to ONNX and scoring that file in ONNX Runtime on val/");
var design = SavedModel.Load(quantized.Best.SavedModel);
string exported = Path.Combine(work, "design.onnx");
using (var network = design.CreateNetwork()) File.WriteAllBytes(exported, OnnxExporter.Export(network).ToByteArray());
var data = DatasetCatalog.Load(dataset, folder);
double onnxAccuracy = ScoreInOnnxRuntime(File.ReadAllBytes(exported), data.Test, design.Card.Mean, design.Card.Std);

Step("measuring latency on onnxruntime-cpu (batch 1)");
var runtime = new OnnxRuntimeTarget();
var prunedModel = SavedModel.Load(pruned.Best.SavedModel);
double importedMs = runtime.Measure(imported.Spec).Latency.Value;
double prunedMs = runtime.Measure(prunedModel.Spec).Latency.Value;
double quantizedMs = runtime.Measure(prunedModel.Spec, design.Card.Precision).Latency.Value;
double importedAgainMs = runtime.Measure(imported.Spec).Latency.Value; // interleaved, the machine is shared

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $$"""
| step | figure |
|---|---|
| PyTorch 1.13, {{epochs}} epochs on train/ (60,000 images): accuracy on val/ (10,000) | {{pytorch.Accuracy:P2}} |
| imported ({{imported.Spec.Layers.Count}} layers, {{upload.Macs:N0}} MACs, {{upload.Params:N0}} parameters): AutoDesign's test accuracy on val/ | {{upload.TestAccuracy:P2}} |
| import check: TorchSharp vs ONNX Runtime on the file, re-export vs the file (relative) | {{check.TorchSharpDifference:E2}}, {{check.ReexportDifference:E2}} |
| pruned to {{(double)pruned.Best.Flops!.Value / pruned.Base.Flops:P1}} of the MACs{{(refit ? " (least-squares refit)" : "")}}: test accuracy without fine-tuning | {{pruned.Best.TestAccuracy:P2}} |
| the same after one epoch of fine-tuning | {{pruned.Best.Recovered?.TestAccuracy:P2}} |
| quantized (bits {{string.Join(" ", quantized.Best.Policy.Select(p => $"{p.WBits}/{p.ABits}"))}}), {{quantized.Best.ConstrainedValue:G4}} ms on bitfusion (budget {{quantized.BudgetLimit:G4}}): test accuracy the job reported | {{quantized.Best.TestAccuracy:P2}} |
| its ONNX export scored in ONNX Runtime on val/ | {{onnxAccuracy:P2}} (difference {{Math.Abs(onnxAccuracy - quantized.Best.TestAccuracy) * 100:F2}} points) |
| onnxruntime-cpu latency, imported (two runs) | {{importedMs:F4}} ms, {{importedAgainMs:F4}} ms |
| onnxruntime-cpu latency, pruned (float32) | {{prunedMs:F4}} ms ({{prunedMs / ((importedMs + importedAgainMs) / 2):F2}}x) |
| onnxruntime-cpu latency, pruned and quantized (int8 where <= 8 bits) | {{quantizedMs:F4}} ms ({{quantizedMs / ((importedMs + importedAgainMs) / 2):F2}}x) |
| wall time | {{clock.Elapsed.TotalMinutes:F1}} min |
"""));
return;

void Step(string what) => Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {what}");

// train/ gets the training and validation images, val/ the test images; classes are folders "0" to "9".
static void WriteImageFolder(Dataset data, string root)
{
    void Write(ImageSet set, string part) => Parallel.For(0, set.Count, i =>
    {
        string directory = Path.Combine(root, part, set.Labels[i].ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        using var bitmap = new SKBitmap(new SKImageInfo(set.Shape.Width, set.Shape.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        set.Pixels.AsSpan(i * set.ImageSize, set.ImageSize).CopyTo(bitmap.GetPixelSpan());
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(Path.Combine(directory, $"{part}-{i:D5}.png"), png.ToArray());
    });
    Write(data.Train, "train");
    Write(data.Validation, "train-held");
    foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "train-held"), "*.png", SearchOption.AllDirectories))
    {
        string target = Path.Combine(root, "train", Path.GetFileName(Path.GetDirectoryName(file)!), Path.GetFileName(file));
        File.Move(file, target);
    }
    Directory.Delete(Path.Combine(root, "train-held"), recursive: true);
    Write(data.Test, "val");
    File.WriteAllText(Path.Combine(root, "dataset.json"), JsonSerializer.Serialize(new { mean = data.Mean, std = data.Std }));
}

static PyTorchResult TrainInPyTorch(string images, string output, int epochs)
{
    string script = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "tests", "fixtures", "pytorch", "train_on_image_folder.py");
    var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(script))! };
    foreach (var a in new[] { Path.GetFullPath(script), images, output, "--epochs", epochs.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
    using var process = Process.Start(start)!;
    string line = process.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"the PyTorch training script failed ({process.ExitCode})");
    using var json = JsonDocument.Parse(line);
    return new PyTorchResult(json.RootElement.GetProperty("valAccuracy").GetDouble(), json.RootElement.GetProperty("valImages").GetInt32());
}

static double ScoreInOnnxRuntime(byte[] model, ImageSet test, float[] mean, float[] std)
{
    using var session = new InferenceSession(model);
    using var batches = new BatchSource(test, mean, std);
    long correct = 0;
    for (int start = 0; start < test.Count; start += 500)
    {
        using var scope = NewDisposeScope();
        var (x, labels) = batches.Range(start, 500);
        var input = new DenseTensor<float>(x.contiguous().data<float>().ToArray(), [.. x.shape.Select(d => (int)d)]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, input)]);
        var scores = results.First().AsTensor<float>();
        var truth = labels.data<long>().ToArray();
        for (int i = 0; i < truth.Length; i++)
        {
            int best = 0;
            for (int c = 1; c < scores.Dimensions[1]; c++) if (scores[i, c] > scores[i, best]) best = c;
            if (best == truth[i]) correct++;
        }
    }
    return (double)correct / test.Count;
}

int Option(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? Value(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

internal sealed record PyTorchResult(double Accuracy, int Images);
