using System.Globalization;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Analytic;

/// <summary>A target computed from a hardware description file: latency and energy per layer, simulated, for any bit-widths.</summary>
public sealed class AnalyticTarget(AnalyticHardwareFile file, string path) : IHardwareTarget
{
    private readonly ILayerCostModel _model = file.CostModel(path);

    public static AnalyticTarget Load(string path) => new(AnalyticHardwareFile.Load(path), path);

    public string Name => file.Name;

    public TargetKind Kind => TargetKind.Analytic;

    public string Description => file.Description;

    public PrecisionPolicy DefaultPrecision => new(file.DefaultPrecision, new Dictionary<string, Precision>());

    public AnalyticHardwareFile File => file;

    public string Path => path;

    /// <summary>Costs one image (of a batch, where the file runs batches). Layers without an entry in the policy run at its default; a null policy means the file's default precision.</summary>
    public CostReport Measure(ModelSpec spec, PrecisionPolicy? precision = null)
    {
        precision ??= DefaultPrecision;
        precision.Validate(spec);
        var layers = new List<LayerCost>();
        double seconds = 0, compute = 0, memory = 0;
        foreach (var workload in LayerWorkload.Of(spec))
        {
            // Layers without weights (pools, joins) move activations at the bits of the layer that produced them;
            // the policy's default stands in for that.
            var bits = workload.Computes ? precision.For(workload.Name) : precision.Default;
            var cost = _model.Cost(workload.Batched(file.Batch), bits).PerImage(file.Batch);
            seconds += cost.Seconds;
            compute += cost.ComputeJoules;
            memory += cost.MemoryJoules;
            layers.Add(new LayerCost(workload.Name, Figure.Milliseconds(cost.Seconds * 1e3), Figure.Millijoules((cost.ComputeJoules + cost.MemoryJoules) * 1e3),
                Figure.Millijoules(cost.ComputeJoules * 1e3), Figure.Millijoules(cost.MemoryJoules * 1e3),
                Figure.Milliseconds(cost.ComputeSeconds * 1e3), Figure.Milliseconds(cost.MemorySeconds * 1e3), cost.MemoryBound ? "memory" : "compute"));
        }
        return new CostReport(Name, Kind, Figure.Milliseconds(seconds * 1e3), Figure.Millijoules((compute + memory) * 1e3), layers,
            new Dictionary<string, string>
            {
                ["model"] = file.Model,
                ["batch"] = file.Batch.ToString(CultureInfo.InvariantCulture),
                ["precision"] = precision.Key,
                ["computeEnergy_mJ"] = (compute * 1e3).ToString("G6", CultureInfo.InvariantCulture),
                ["memoryEnergy_mJ"] = (memory * 1e3).ToString("G6", CultureInfo.InvariantCulture),
                ["simulated"] = "true",
                ["parameters"] = path,
            });
    }
}
