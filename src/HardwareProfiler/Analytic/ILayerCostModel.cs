namespace AutoDesign.HardwareProfiler.Analytic;

/// <summary>One layer's modelled time and energy (joules), split into compute and memory.</summary>
public sealed record ModelledCost(double Seconds, double ComputeJoules, double MemoryJoules, long DramBytes);

/// <summary>A hardware cost model: time and energy of one layer at given bit-widths.</summary>
public interface ILayerCostModel
{
    /// <summary>Throws <see cref="ArgumentException"/> for bit-widths the hardware cannot run.</summary>
    ModelledCost Cost(LayerWorkload layer, Modeling.Specs.Precision precision);
}
