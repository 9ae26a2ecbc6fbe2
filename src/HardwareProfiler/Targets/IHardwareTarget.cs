using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Targets;

/// <summary>
/// A device or a model of one that costs a network: its channels are whatever the spec says (so pruned specs are
/// costed as built), its bit-widths come from the precision policy.
/// </summary>
public interface IHardwareTarget
{
    /// <summary>The name a job or a command uses for it, e.g. "torchsharp-cpu", "bitfusion".</summary>
    string Name { get; }

    TargetKind Kind { get; }

    string Description { get; }

    /// <summary>The bit-widths a network runs at when no policy is given (float32 on CPUs, W8A8 on integer accelerators).</summary>
    PrecisionPolicy DefaultPrecision { get; }

    /// <summary>Costs one image (or a batch, where the target says so) of the network; throws <see cref="ArgumentException"/> for precisions it cannot run.</summary>
    CostReport Measure(ModelSpec spec, PrecisionPolicy? precision = null);
}
