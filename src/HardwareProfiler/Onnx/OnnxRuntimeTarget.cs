using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AutoDesign.HardwareProfiler.Measured;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AutoDesign.HardwareProfiler.Onnx;

/// <summary>
/// The deployment runtime: the network is exported to ONNX (float32, or int8 in QDQ form for every layer whose
/// policy asks for 8 bits or fewer; ONNX Runtime has no narrower kernels) and timed in ONNX Runtime on the CPU.
/// Whole-network figures come from timed runs; per-layer figures from ONNX Runtime's own profiler, with its node
/// timings summed per layer (nodes are named after layers; fused nodes keep the first layer's name).
/// </summary>
public sealed class OnnxRuntimeTarget(MeasurementOptions? options = null) : IHardwareTarget
{
    private static readonly SemaphoreSlim Cpu = new(1, 1);
    private readonly MeasurementOptions _options = options ?? new MeasurementOptions();

    public string Name => "onnxruntime-cpu";

    public TargetKind Kind => TargetKind.Measured;

    public PrecisionPolicy DefaultPrecision => PrecisionPolicy.Float32;

    public string Description => $"ONNX Runtime {OrtEnv.Instance().GetVersionString()} on the CPU, float32 or int8 (QDQ) per layer, batch {_options.BatchSize}";

    public CostReport Measure(ModelSpec spec, PrecisionPolicy? precision = null)
    {
        precision?.Validate(spec);
        var int8 = precision is null
            ? new HashSet<string>()
            : spec.Layers.Where(l => l.HasWeights && precision.For(l.Name) is { WeightBits: <= 8, ActivationBits: <= 8 }).Select(l => l.Name).ToHashSet();
        byte[] model;
        using (var network = new SpecNetwork(spec))
            model = OnnxExporter.Export(network, new OnnxExportOptions { Int8Layers = int8 }).ToByteArray();

        Cpu.Wait();
        try
        {
            var (latency, runs) = TimeWholeNetwork(model, spec);
            var layers = ShareOut(latency.Median, ProfileLayers(model, spec));
            var conditions = new Dictionary<string, string>
            {
                ["runtime"] = $"onnxruntime {OrtEnv.Instance().GetVersionString()}",
                ["provider"] = "CPUExecutionProvider",
                ["batch"] = _options.BatchSize.ToString(CultureInfo.InvariantCulture),
                ["threads"] = Threads.ToString(CultureInfo.InvariantCulture),
                ["precision"] = int8.Count == 0 ? "float32" : $"int8 in {int8.Count} of {spec.Layers.Count(l => l.HasWeights)} layers with weights, float32 elsewhere",
                ["simulated"] = "false",
                ["layers"] = "the whole-network median shared out in proportion to each layer's kernel time in ONNX Runtime's profiler",
            };
            if (precision is not null && spec.Layers.Any(l => l.HasWeights && precision.For(l.Name) is var p && p.WeightBits < 8 | p.ActivationBits < 8))
                conditions["note"] = "layers below 8 bits ran as int8: ONNX Runtime has no narrower kernels";
            return new CostReport(Name, Kind, Figure.Milliseconds(latency.Median, latency.Iqr, runs), null, layers, conditions);
        }
        finally
        {
            Cpu.Release();
        }
    }

    private static int Threads => Math.Max(1, TorchSharp.torch.get_num_threads());

    private SessionOptions SessionOptions(bool profile, string? prefix = null)
    {
        var session = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = Threads, InterOpNumThreads = 1 };
        if (profile)
        {
            session.EnableProfiling = true;
            session.ProfileOutputPathPrefix = prefix!;
        }
        return session;
    }

    private NamedOnnxValue[] Input(ModelSpec spec)
    {
        var random = new Random(1);
        if (spec.Input.Vocabulary is { } vocabulary)
        {
            var ids = new long[_options.BatchSize * spec.Input.Width];
            for (int i = 0; i < ids.Length; i++) ids[i] = random.Next(vocabulary);
            return [NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<long>(ids, [_options.BatchSize, spec.Input.Width]))];
        }
        var data = new float[_options.BatchSize * spec.Input.Channels * spec.Input.Height * spec.Input.Width];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        var tensor = new DenseTensor<float>(data, [_options.BatchSize, spec.Input.Channels, spec.Input.Height, spec.Input.Width]);
        return [NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, tensor)];
    }

    private ((double Median, double Iqr) Latency, int Runs) TimeWholeNetwork(byte[] model, ModelSpec spec)
    {
        using var options = SessionOptions(profile: false);
        using var session = new InferenceSession(model, options);
        var input = Input(spec);
        for (int i = 0; i < _options.WarmupRuns; i++) session.Run(input).Dispose();
        var times = new List<double>();
        var budget = Stopwatch.StartNew();
        while (times.Count < _options.MinRuns || (budget.Elapsed < _options.MinTime && times.Count < _options.MaxRuns))
        {
            var clock = Stopwatch.StartNew();
            session.Run(input).Dispose();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return (Timings.MedianAndIqr(times), times.Count);
    }

    /// <summary>
    /// Kernel times leave out what a run spends between kernels (the session's own work, copies, reorders), which on
    /// small networks is most of it; sharing the measured whole out in proportion to the kernels makes per-layer
    /// figures add up to what a user waits for, so tables built from them sum to real network latencies.
    /// </summary>
    private static IReadOnlyList<LayerCost> ShareOut(double whole, IReadOnlyList<LayerCost> kernels)
    {
        double sum = kernels.Sum(l => l.Latency.Value);
        return sum <= 0 ? kernels : kernels.Select(l => l with { Latency = l.Latency with { Value = l.Latency.Value * whole / sum } }).ToList();
    }

    private IReadOnlyList<LayerCost> ProfileLayers(byte[] model, ModelSpec spec)
    {
        string prefix = Path.Combine(Path.GetTempPath(), $"autodesign-ort-{Environment.ProcessId}-{Guid.NewGuid():N}");
        string file;
        int runs = Math.Max(5, _options.MinRuns / 2);
        using (var options = SessionOptions(profile: true, prefix))
        using (var session = new InferenceSession(model, options))
        {
            var input = Input(spec);
            for (int i = 0; i < _options.WarmupRuns; i++) session.Run(input).Dispose();
            for (int i = 0; i < runs; i++) session.Run(input).Dispose();
            file = session.EndProfiling();
        }
        try
        {
            var perLayer = spec.Layers.ToDictionary(l => l.Name, _ => 0.0);
            var names = spec.Layers.Select(l => l.Name).OrderByDescending(n => n.Length).ToArray();
            using var trace = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var e in trace.RootElement.EnumerateArray())
            {
                if (!e.TryGetProperty("cat", out var cat) || cat.GetString() != "Node") continue;
                string node = e.GetProperty("name").GetString() ?? "";
                if (!node.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
                node = node[..^"_kernel_time".Length];
                string? layer = names.FirstOrDefault(n => node == n || node.StartsWith(n + "_", StringComparison.Ordinal));
                if (layer is null && node.StartsWith(OnnxExporter.OutputName, StringComparison.Ordinal)) layer = spec.Layers[^1].Name;
                if (layer is not null) perLayer[layer] += e.GetProperty("dur").GetDouble() / 1000.0; // microseconds -> ms
            }
            // Profiled runs include the warm-up ones only if the profiler started before them; it did, so divide by all.
            int profiled = runs + _options.WarmupRuns;
            return spec.Layers.Select(l => new LayerCost(l.Name, Figure.Milliseconds(perLayer[l.Name] / profiled, samples: profiled))).ToList();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
