using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Search.Pruning;

/// <summary>
/// A cost that a pruned network must keep under its budget: FLOPs (counted as multiply-accumulates), parameters,
/// or the latency or energy a hardware target gives for the network.
/// </summary>
public abstract record CostMetric(string Name, string Unit)
{
    public static CostMetric Flops { get; } = new Counted("flops", "MACs");

    public static CostMetric Params { get; } = new Counted("params", "parameters");

    public static CostMetric Latency(IHardwareTarget target) => new OnTarget("latency", "ms", target);

    public static CostMetric Energy(IHardwareTarget target) => new OnTarget("energy", "mJ", target);

    /// <summary>The cost of a whole network.</summary>
    public abstract double Of(ModelSpec spec);

    /// <summary>Costs counted from the spec alone.</summary>
    public sealed record Counted(string Name, string Unit) : CostMetric(Name, Unit)
    {
        public override double Of(ModelSpec spec)
        {
            var analysis = spec.Analyze();
            return Name == "params" ? analysis.Params : analysis.Macs;
        }
    }

    /// <summary>Costs a hardware target reports (measured, tabulated, predicted or simulated, as the target is).</summary>
    public sealed record OnTarget(string Name, string Unit, IHardwareTarget Target) : CostMetric(Name, Unit)
    {
        public override double Of(ModelSpec spec)
        {
            var report = Target.Measure(spec);
            return Name == "energy"
                ? report.Energy?.Value ?? throw new ArgumentException($"target '{Target.Name}' does not model energy")
                : report.Latency.Value;
        }
    }
}
