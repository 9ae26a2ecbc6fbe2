using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Analytic;

/// <summary>Peak throughput per precision (null where the GPU has no such units) and memory bandwidth.</summary>
public sealed record GpuParameters
{
    public required double Fp32Tflops { get; init; }

    public required double Fp16Tflops { get; init; }

    public double? Int8Tops { get; init; }

    public double? Int4Tops { get; init; }

    public required double MemoryGigabytesPerSecond { get; init; }

    /// <summary>Fixed cost of launching one layer's kernel, in microseconds.</summary>
    public required double KernelOverheadMicroseconds { get; init; }

    /// <summary>Energy per multiply-accumulate at fp32, fp16, int8 and int4, in picojoules.</summary>
    public required double[] MacPicojoules { get; init; }

    public required EnergyParameters Memory { get; init; }
}

/// <summary>
/// A roofline model of a GPU: a layer runs at the narrowest precision the GPU has units for that holds both its
/// weight and activation bits (int4, int8, fp16, fp32, in that order), taking max(2 x MACs / peak operations,
/// bytes moved / bandwidth) plus a kernel launch overhead. Operands are stored at that precision, so bits below
/// what the hardware supports buy nothing, as on real GPUs.
/// </summary>
public sealed class GpuRooflineModel(GpuParameters p) : ILayerCostModel
{
    public enum Unit { Fp32, Fp16, Int8, Int4 }

    public Unit UnitFor(Precision precision)
    {
        int bits = Math.Max(precision.WeightBits, precision.ActivationBits);
        if (bits <= 4 && p.Int4Tops is not null) return Unit.Int4;
        if (bits <= 8 && p.Int8Tops is not null) return Unit.Int8;
        return bits <= 16 ? Unit.Fp16 : Unit.Fp32;
    }

    public ModelledCost Cost(LayerWorkload layer, Precision precision)
    {
        var unit = UnitFor(precision);
        double teraOps = unit switch
        {
            Unit.Int4 => p.Int4Tops!.Value,
            Unit.Int8 => p.Int8Tops!.Value,
            Unit.Fp16 => p.Fp16Tflops,
            _ => p.Fp32Tflops,
        };
        double bytesPerValue = unit switch { Unit.Int4 => 0.5, Unit.Int8 => 1, Unit.Fp16 => 2, _ => 4 };
        double computeSeconds = layer.Computes ? 2.0 * layer.Macs / (teraOps * 1e12) : 0;
        double dramBytes = (layer.Weights + layer.InputElements + layer.OutputElements) * bytesPerValue;
        double memorySeconds = dramBytes / (p.MemoryGigabytesPerSecond * 1e9);

        double computeJoules = layer.Macs * p.MacPicojoules[(int)unit] * 1e-12;
        double memoryJoules = dramBytes * (p.Memory.DramPicojoulesPerByte + p.Memory.SramPicojoulesPerByte) * 1e-12;
        return new ModelledCost(computeSeconds, memorySeconds, computeJoules, memoryJoules, (long)dramBytes, p.KernelOverheadMicroseconds * 1e-6);
    }
}
