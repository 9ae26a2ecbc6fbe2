using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Costs;

/// <summary>
/// A cost that a network must keep under its budget: FLOPs (counted as multiply-accumulates), parameters, model
/// size (weights times their bits), or the latency or energy a hardware target gives for the network at its bits.
/// </summary>
public abstract record CostMetric(string Name, string Unit)
{
    public static CostMetric Flops { get; } = new Counted("flops", "MACs");

    public static CostMetric Params { get; } = new Counted("params", "parameters");

    public static CostMetric Size { get; } = new Counted("size", "bits");

    public static CostMetric Latency(IHardwareTarget target) => new OnTarget("latency", "ms", target);

    public static CostMetric Energy(IHardwareTarget target) => new OnTarget("energy", "mJ", target);

    /// <summary>The metric of that name (flops, params, size, latency, energy); latency and energy are those of the named target.</summary>
    public static CostMetric Named(string metric, string? target, DataFolder folder) => metric switch
    {
        "flops" => Flops,
        "params" => Params,
        "size" => Size,
        "latency" or "energy" when target is null => throw new ArgumentException($"{metric} needs a hardware target"),
        "latency" => Latency(HardwareTargets.Resolve(target, folder)),
        "energy" => Energy(HardwareTargets.Resolve(target, folder)),
        _ => throw new ArgumentException($"'{metric}' is not a cost metric: use flops, params, size, latency or energy"),
    };

    /// <summary>The cost of a whole network at the given bits (the target's default precision when none).</summary>
    public abstract double Of(ModelSpec spec, PrecisionPolicy? precision = null);

    /// <summary>Costs counted from the spec alone.</summary>
    public sealed record Counted(string Name, string Unit) : CostMetric(Name, Unit)
    {
        public override double Of(ModelSpec spec, PrecisionPolicy? precision = null)
        {
            var analysis = spec.Analyze();
            return Name switch
            {
                "params" => analysis.Params,
                // Model size: every weight at its layer's weight bits (batch-norm and bias terms are left out).
                "size" => spec.Layers.Select((l, i) => (l, s: analysis.Layers[i])).Where(p => p.l.HasWeights)
                    .Sum(p => (double)Weights(p.s) * (precision ?? PrecisionPolicy.Float32).For(p.l.Name).WeightBits),
                _ => analysis.Macs,
            };
        }

        private static long Weights(LayerSummary s) => s.Op == LayerOp.Linear
            ? (long)s.InChannels * s.OutChannels
            : (long)s.OutChannels * (s.InChannels / Math.Max(1, s.Groups)) * s.Kernel * s.Kernel;
    }

    /// <summary>Costs a hardware target reports (measured, tabulated, predicted or simulated, as the target is).</summary>
    public sealed record OnTarget(string Name, string Unit, IHardwareTarget Target) : CostMetric(Name, Unit)
    {
        public override double Of(ModelSpec spec, PrecisionPolicy? precision = null)
        {
            var report = Target.Measure(spec, precision);
            return Name == "energy"
                ? report.Energy?.Value ?? throw new ArgumentException($"target '{Target.Name}' does not model energy")
                : report.Latency.Value;
        }
    }
}
