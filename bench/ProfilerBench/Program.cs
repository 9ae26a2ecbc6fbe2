using System.Globalization;
using AutoDesign.HardwareProfiler.Measured;
using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.HardwareProfiler.Predictors;
using AutoDesign.HardwareProfiler.Tables;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using MathNet.Numerics.Statistics;

// How good is the cost signal? For each measured target: sweep a look-up table (and train a predictor) on the zoo
// and pruned variants of it, then compare LUT sums and predictions with whole-network measurements of the zoo and
// of 30 pruned variants the sweep never saw (mean absolute percentage error, Spearman rank correlation), and per layer
// type the error of the table's figure for each layer of those variants against that layer's measurement. Finally,
// int8 vs float32 speed-up of ONNX Runtime on the zoo. Every figure comes from this one run.
//
//   dotnet run -c Release --project bench/ProfilerBench [-- --quick]
TorchRuntime.EnsureInitialized();
bool quick = args.Contains("--quick");
var input = new InputSpec(1, 28, 28);
var zoo = new[] { "lenet5", "vgg-small", "resnet20", "mobilenetv2-small" }.Select(m => ModelZoo.Create(m, input, 10)).ToList();
var options = new MeasurementOptions { WarmupRuns = 5, MinRuns = quick ? 10 : 30, MinTime = TimeSpan.FromMilliseconds(quick ? 100 : 500) };
int sweepVariants = quick ? 3 : 8, evaluationVariants = quick ? 8 : 30;

var evaluation = new List<ModelSpec>(zoo);
var random = new SplitMix64(2024);
for (int i = 0; i < evaluationVariants; i++)
{
    var model = zoo[i % zoo.Count];
    evaluation.Add(LatencySweep.Variants(model, 1, random).Last()); // a random width per group, new to the sweep
}

Console.WriteLine("| target | networks | LUT MAPE | LUT Spearman | predictor held-out layer MAPE | predictor network MAPE | predictor Spearman |");
Console.WriteLine("|---|---|---|---|---|---|---|");
var byLayerType = new List<string>();
foreach (IHardwareTarget target in new IHardwareTarget[] { new TorchSharpTarget("cpu", options), new OnnxRuntimeTarget(options) })
{
    var layerErrors = new Dictionary<LayerOp, List<(double Table, double Measured)>>();
    Console.Error.WriteLine($"sweeping {target.Name}...");
    var table = LatencySweep.Run($"bench-{target.Name}", target, zoo, sweepVariants, seed: 7, progress: Console.Error.WriteLine);
    var lut = new TableTarget(table);
    var predictor = LatencyPredictor.Train($"bench-{target.Name}", table);
    var predicted = new PredictorTarget(predictor);

    var measured = new List<double>();
    var fromTable = new List<double>();
    var fromPredictor = new List<double>();
    foreach (var spec in evaluation)
    {
        var truth = target.Measure(spec);
        var lutReport = lut.Measure(spec);
        measured.Add(truth.Latency.Value);
        fromTable.Add(lutReport.Latency.Value);
        fromPredictor.Add(predicted.Measure(spec).Latency.Value);
        if (spec != zoo.FirstOrDefault(z => z.Name == spec.Name)) // per layer: only the variants, whose widths the sweep never saw
            foreach (var (layer, estimate) in spec.Layers.Zip(lutReport.Layers))
            {
                double real = truth.Layers.Single(l => l.Layer == layer.Name).Latency.Value;
                if (real > 0) (layerErrors.TryGetValue(layer.Op, out var list) ? list : layerErrors[layer.Op] = []).Add((estimate.Latency.Value, real));
            }
    }
    foreach (var (op, pairs) in layerErrors.OrderBy(p => p.Key.ToString()))
        byLayerType.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {target.Name} | {op} | {pairs.Count} | {Mape([.. pairs.Select(p => p.Table)], [.. pairs.Select(p => p.Measured)]):P1} | " +
            $"{pairs.Sum(p => p.Table) / pairs.Sum(p => p.Measured):F3} |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {target.Name} | {evaluation.Count} | {Mape(fromTable, measured):P1} | {Correlation.Spearman(fromTable, measured):F3} | " +
        $"{predictor.Info.HeldOutMape:P1} | {Mape(fromPredictor, measured):P1} | {Correlation.Spearman(fromPredictor, measured):F3} |"));
}

Console.WriteLine();
Console.WriteLine("Per layer, on the pruned variants: the table's figure against the layer's own measurement, by layer type");
Console.WriteLine("(MAPE of single layers, and the table's total over the measured total for that type).");
Console.WriteLine();
Console.WriteLine("| target | layer type | layers | LUT MAPE | LUT total / measured total |");
Console.WriteLine("|---|---|---|---|---|");
byLayerType.ForEach(Console.WriteLine);

Console.WriteLine();
Console.WriteLine("| model | MACs | ONNX Runtime float32 (ms, batch 1) | int8 (ms) | int8 speed-up | float32 batch 32 | int8 batch 32 | speed-up |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
var single = new OnnxRuntimeTarget(options);
var batched = new OnnxRuntimeTarget(options with { BatchSize = 32 });
foreach (var spec in zoo)
{
    double fp32 = single.Measure(spec).Latency.Value, int8 = single.Measure(spec, PrecisionPolicy.Uniform(8, 8)).Latency.Value;
    double fp32b = batched.Measure(spec).Latency.Value, int8b = batched.Measure(spec, PrecisionPolicy.Uniform(8, 8)).Latency.Value;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {spec.Name} | {spec.Analyze().Macs:N0} | {fp32:F3} | {int8:F3} | {fp32 / int8:F2}x | {fp32b:F2} | {int8b:F2} | {fp32b / int8b:F2}x |"));
}
return 0;

static double Mape(IReadOnlyList<double> estimate, IReadOnlyList<double> truth) =>
    estimate.Zip(truth).Average(p => Math.Abs(p.First - p.Second) / p.Second);
