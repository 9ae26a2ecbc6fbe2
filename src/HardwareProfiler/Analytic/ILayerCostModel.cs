namespace AutoDesign.HardwareProfiler.Analytic;

/// <summary>
/// One layer's modelled time and energy (joules), split into compute and memory. The layer takes the slower of its
/// compute and its DRAM traffic (the two overlap), plus a fixed overhead where the hardware has one.
/// </summary>
public sealed record ModelledCost(double ComputeSeconds, double MemorySeconds, double ComputeJoules, double MemoryJoules, long DramBytes, double OverheadSeconds = 0)
{
    public double Seconds => Math.Max(ComputeSeconds, MemorySeconds) + OverheadSeconds;

    public bool MemoryBound => MemorySeconds > ComputeSeconds;

    /// <summary>The cost of one of <paramref name="batch"/> images when a batch of them ran as one workload.</summary>
    public ModelledCost PerImage(int batch) => batch == 1
        ? this
        : new(ComputeSeconds / batch, MemorySeconds / batch, ComputeJoules / batch, MemoryJoules / batch, DramBytes / batch, OverheadSeconds / batch);
}

/// <summary>A hardware cost model: time and energy of one layer at given bit-widths.</summary>
public interface ILayerCostModel
{
    /// <summary>Throws <see cref="ArgumentException"/> for bit-widths the hardware cannot run.</summary>
    ModelledCost Cost(LayerWorkload layer, Modeling.Specs.Precision precision);
}
