namespace AutoDesign.HardwareProfiler.Targets;

/// <summary>
/// One layer's cost on a target; energy where the target models it, split into compute and memory where known; on
/// the analytic targets also the time its arithmetic and its DRAM traffic take alone, and which of the two bounds it
/// (<c>compute</c> or <c>memory</c>).
/// </summary>
public sealed record LayerCost(string Layer, Figure Latency, Figure? Energy = null, Figure? ComputeEnergy = null, Figure? MemoryEnergy = null,
    Figure? ComputeTime = null, Figure? MemoryTime = null, string? Bound = null);

/// <summary>What a target says of a network: whole-network latency (and energy), per layer, with where it came from.</summary>
/// <param name="Conditions">How the figure was obtained: batch size, threads, precision the runtime actually used...</param>
public sealed record CostReport(
    string Target,
    TargetKind Kind,
    Figure Latency,
    Figure? Energy,
    IReadOnlyList<LayerCost> Layers,
    IReadOnlyDictionary<string, string> Conditions)
{
    /// <summary>The silo whose device (or model) gave the report, when the service measured it.</summary>
    public string? MeasuredOn { get; init; }
}
