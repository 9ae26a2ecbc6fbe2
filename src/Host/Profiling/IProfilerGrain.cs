using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Host.Profiling;

/// <summary>
/// Measures networks on one target, one measurement at a time, and remembers what it measured. A measured target's
/// grain is keyed by the silo that owns the device and the target's name, and is placed on that silo; a computed
/// target (analytic, table, predictor) has one grain, keyed by its name, placed where it is first called.
/// </summary>
public interface IProfilerGrain : IGrainWithStringKey
{
    /// <summary>The network's cost at a precision (null: the target's own), with the silo that measured it.</summary>
    Task<CostReport> MeasureAsync(ModelSpec spec, PrecisionPolicy? precision);
}
