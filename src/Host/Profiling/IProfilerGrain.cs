namespace AutoDesign.Host.Profiling;

/// <summary>
/// Measures networks on one target, one measurement at a time, and remembers what it measured. A measured target's
/// grain is keyed by the silo that owns the device and the target's name, and is placed on that silo; a computed
/// target (analytic, table, predictor) has one grain, keyed by its name, placed where it is first called.
/// Specs, policies and reports cross the grain boundary as JSON (<see cref="Storage.StoredJson"/>), the form the API serves them in.
/// </summary>
public interface IProfilerGrain : IGrainWithStringKey
{
    /// <summary>
    /// The report (CostReport JSON, with the silo that measured it as <c>measuredOn</c>) for a spec (ModelSpec JSON) at
    /// a precision (PrecisionPolicy JSON, or null for the target's own).
    /// </summary>
    Task<string> Measure(string specJson, string? precisionJson);
}
