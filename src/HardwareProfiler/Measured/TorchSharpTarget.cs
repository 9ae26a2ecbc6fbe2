using System.Diagnostics;
using System.Globalization;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoDesign.HardwareProfiler.Measured;

/// <summary>Measurement settings: batch size, warm-up passes, and the repeats that make a stable median.</summary>
public sealed record MeasurementOptions
{
    public int BatchSize { get; init; } = 1;

    public int WarmupRuns { get; init; } = 5;

    public int MinRuns { get; init; } = 15;

    public int MaxRuns { get; init; } = 200;

    /// <summary>Keep repeating (up to <see cref="MaxRuns"/>) until this much time was spent timing.</summary>
    public TimeSpan MinTime { get; init; } = TimeSpan.FromMilliseconds(300);
}

/// <summary>
/// Real forward passes of the built network with TorchSharp on the CPU or a CUDA device: warm-up, then timed
/// repeats, reporting the median and interquartile range of the whole network and of each layer (timed between
/// layers during the same passes). Weights are random: latency does not depend on their values. Bit-widths are
/// not simulated: the network runs in float32 and the report says so. One measurement runs at a time per device.
/// </summary>
public sealed class TorchSharpTarget(string device, MeasurementOptions? options = null) : IHardwareTarget
{
    private static readonly Dictionary<string, SemaphoreSlim> DeviceLocks = [];
    private readonly MeasurementOptions _options = options ?? new MeasurementOptions();

    public string Name => $"torchsharp-{(device.StartsWith("cuda", StringComparison.Ordinal) ? "cuda" : "cpu")}";

    public TargetKind Kind => TargetKind.Measured;

    public string Description => $"TorchSharp forward passes on {device}, float32, batch {_options.BatchSize}";

    public PrecisionPolicy DefaultPrecision => PrecisionPolicy.Float32;

    public MeasurementOptions Options => _options;

    public CostReport Measure(ModelSpec spec, PrecisionPolicy? precision = null)
    {
        precision?.Validate(spec);
        var gate = Lock(device);
        gate.Wait();
        try
        {
            return Time(spec, precision);
        }
        finally
        {
            gate.Release();
        }
    }

    private CostReport Time(ModelSpec spec, PrecisionPolicy? precision)
    {
        TorchRuntime.EnsureInitialized();
        var target = new Device(device);
        bool cuda = target.type == TorchSharp.DeviceType.CUDA;
        using var network = new SpecNetwork(spec);
        network.to(target);
        network.eval();
        using var noGrad = no_grad();
        using var input = (spec.Input.Vocabulary is { } vocabulary
            ? randint(0, vocabulary, [_options.BatchSize, 1, 1, spec.Input.Width], dtype: ScalarType.Int64)
            : randn(_options.BatchSize, spec.Input.Channels, spec.Input.Height, spec.Input.Width)).to(target);
        var layerNames = spec.Layers.Select(l => l.Name).ToArray();

        for (int i = 0; i < _options.WarmupRuns; i++) Run(network, input, null, cuda);
        var totals = new List<double>();
        var perLayer = layerNames.Select(_ => new List<double>()).ToArray();
        var budget = Stopwatch.StartNew();
        while (totals.Count < _options.MinRuns || (budget.Elapsed < _options.MinTime && totals.Count < _options.MaxRuns))
        {
            var marks = new double[layerNames.Length + 1];
            totals.Add(Run(network, input, marks, cuda));
            for (int l = 0; l < layerNames.Length; l++) perLayer[l].Add(marks[l + 1] - marks[l]);
        }

        var (median, iqr) = Summarise(totals);
        var layers = layerNames.Select((name, l) =>
        {
            var (m, q) = Summarise(perLayer[l]);
            return new LayerCost(name, Figure.Milliseconds(m, q, perLayer[l].Count));
        }).ToList();
        var conditions = new Dictionary<string, string>
        {
            ["device"] = device,
            ["batch"] = _options.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["threads"] = get_num_threads().ToString(CultureInfo.InvariantCulture),
            ["precision"] = "float32",
            ["simulated"] = "false",
        };
        if (precision is not null && precision.Key != PrecisionPolicy.Float32.Key)
            conditions["note"] = $"ran in float32: TorchSharp does not execute the policy's bit-widths ({precision.Key})";
        return new CostReport(Name, Kind, Figure.Milliseconds(median, iqr, totals.Count), null, layers, conditions);
    }

    // One timed pass; marks[i] is the time (ms) when layer i started, marks[^1] when the pass ended.
    private static double Run(SpecNetwork network, Tensor input, double[]? marks, bool cuda)
    {
        using var scope = NewDisposeScope();
        int layer = 0;
        var clock = Stopwatch.StartNew();
        network.Forward(input, (_, _) =>
        {
            if (cuda) TorchSharp.torch.cuda.synchronize();
            if (marks is not null) marks[layer++] = clock.Elapsed.TotalMilliseconds;
        });
        if (cuda) TorchSharp.torch.cuda.synchronize();
        double total = clock.Elapsed.TotalMilliseconds;
        if (marks is not null) marks[^1] = total;
        return total;
    }

    private static (double Median, double Iqr) Summarise(List<double> values) => Timings.MedianAndIqr(values);

    private static SemaphoreSlim Lock(string device)
    {
        lock (DeviceLocks)
        {
            if (!DeviceLocks.TryGetValue(device, out var gate)) DeviceLocks[device] = gate = new SemaphoreSlim(1, 1);
            return gate;
        }
    }
}
