using System.Globalization;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Distributed;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using static TorchSharp.torch;
// Deep Gradient Compression against the dense exchange, with each of its pieces switched off in turn: a zoo model
// trained data-parallel over --workers replicas in this process (DataParallelTrainer: the cluster's exchange without
// the network), the same batches, seed and learning-rate schedule for every configuration. Prints the bytes each
// worker sent per step and in all, the ratio to dense, test accuracy at equal epochs, and the epoch's wall time over
// an emulated link: the measured computation (one worker's share) plus, per step, the exchange at the link's
// bandwidth plus its latency: a ring all-reduce for dense (2 (N-1)/N of the gradient per worker), an all-gather
// of the other workers' messages for the sparse ones (they cannot be summed on the way).
//
//   dotnet run -c Release --project bench/DgcBench [-- --model resnet20] [--dataset fashion-mnist] [--epochs 10]
//       [--workers 2] [--density 0.001] [--train-limit 0] [--configs dense,dgc,no-correction,no-masking,no-clipping,no-warmup]
TorchRuntime.EnsureInitialized();
string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int IntArg(string name, int fallback) => Arg(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
string model = Arg("--model") ?? "resnet20", datasetName = Arg("--dataset") ?? "fashion-mnist";
int epochs = IntArg("--epochs", 10), workers = IntArg("--workers", 2), trainLimit = IntArg("--train-limit", 0);
double density = double.Parse(Arg("--density") ?? "0.001", CultureInfo.InvariantCulture);
var configs = (Arg("--configs") ?? "dense,dgc,no-correction,no-masking,no-clipping,no-warmup").Split(',');
(string Name, double BitsPerSecond, double Latency)[] links = [("10 Gbps", 10e9, 50e-6), ("1 Gbps", 1e9, 100e-6), ("100 Mbps", 100e6, 1e-3)];

var folder = DataFolder.Default();
var data = DatasetCatalog.Load(datasetName, folder);
var recipe = TrainingOptions.RecipeFor(model);
var options = recipe.WithSgd() with { Epochs = epochs, TrainLimit = trainLimit };
var dgc = new GradientCompression { Density = density };
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{model} on {datasetName} ({(trainLimit > 0 ? $"{trainLimit:N0}" : "all")} training images), {epochs} epochs, batch {options.BatchSize} over {workers} workers, SGD at {options.LearningRate} (cosine), density {density:P2} after a {dgc.WarmupEpochs}-epoch warm-up"));
Console.WriteLine();
Console.WriteLine($"| exchange | bytes per worker and step (last epoch) | all bytes | ratio to dense | test accuracy | {string.Join(" | ", links.Select(l => $"epoch over {l.Name}"))} |");
Console.WriteLine($"|---|---|---|---|---|{string.Concat(links.Select(_ => "---|"))}");
foreach (string config in configs)
{
    var compression = config switch
    {
        "dense" => GradientCompression.Dense,
        "dgc" => dgc,
        "no-correction" => dgc with { MomentumCorrection = false, MomentumFactorMasking = false },
        "no-masking" => dgc with { MomentumFactorMasking = false },
        "no-clipping" => dgc with { ClipNorm = 0 },
        "no-warmup" => dgc with { WarmupEpochs = 0 },
        _ => throw new ArgumentException($"unknown configuration '{config}'"),
    };
    var replicas = Enumerable.Range(0, workers).Select(_ =>
    {
        manual_seed(options.Seed);
        return new SpecNetwork(ModelZoo.Create(model, data.Info.Shape, data.Info.Classes));
    }).ToList();
    var history = new DataParallelTrainer(compression).Train(replicas, data, options,
        onEpoch: e => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{config} epoch {e.Epoch}/{e.Epochs}: loss {e.TrainLoss:F4}, validation {e.ValidationAccuracy:P2}, density {e.Density:P2}, {e.BytesSent / (double)e.Steps / e.Workers:N0} bytes per worker and step, ratio {e.CompressionRatio:F1} ({e.Seconds:F0} s)")));
    double test = Evaluation.Of(replicas[0], data.Test, data.Mean, data.Std).Accuracy;
    var last = history[^1];
    long all = history.Sum(e => e.BytesSent), allDense = history.Sum(e => e.DenseBytes);
    double perStep = last.BytesSent / (double)last.Steps / workers;
    string LinkTime((string Name, double BitsPerSecond, double Latency) link)
    {
        double compute = last.Seconds / workers; // the replicas ran one after another here
        double received = compression.IsDense ? 2.0 * (workers - 1) / workers * perStep : (workers - 1) * perStep;
        double exchange = last.Steps * (received * 8 / link.BitsPerSecond + link.Latency);
        return string.Create(CultureInfo.InvariantCulture, $"{compute + exchange:F1} s");
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {config} | {perStep:N0} | {all / 1e6:F1} MB | {(double)allDense / all:F0}x | {test:P2} | {string.Join(" | ", links.Select(LinkTime))} |"));
    foreach (var r in replicas) r.Dispose();
}
