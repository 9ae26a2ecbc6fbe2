using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Analytic;

/// <summary>Parameters of a bit-serial matrix-multiplication overlay (see <see cref="BismoModel"/>).</summary>
public sealed record BismoParameters
{
    /// <summary>Rows of the dot-product-unit array (output channels per step).</summary>
    public required int Dm { get; init; }

    /// <summary>Bits each dot-product unit reduces per cycle (AND + popcount).</summary>
    public required int Dk { get; init; }

    /// <summary>Columns of the array (output positions per step).</summary>
    public required int Dn { get; init; }

    public required double FrequencyMegahertz { get; init; }

    public required int MaxBits { get; init; }

    /// <summary>On-chip buffer for the left-hand matrix (the weights), in kilobytes.</summary>
    public required double WeightBufferKilobytes { get; init; }

    /// <summary>On-chip buffer for the right-hand matrix (the input feature map), in kilobytes.</summary>
    public required double InputBufferKilobytes { get; init; }

    public required double DramGigabytesPerSecond { get; init; }

    /// <summary>Energy of one binary multiply-accumulate (one AND and its share of a popcount), in picojoules.</summary>
    public required double BinaryOpPicojoules { get; init; }

    public required EnergyParameters Memory { get; init; }
}

/// <summary>
/// BISMO (Umuroglu, Rasnayake and Själander, FPL 2018): a w-bit by a-bit matrix product is computed as w x a binary
/// matrix products on a Dm x Dn array of units that each reduce Dk bits per cycle, so a layer (an M x K by K x N
/// product after im2col) takes w x a x ceil(M/Dm) x ceil(K/Dk) x ceil(N/Dn) cycles. Time is max(compute, DRAM);
/// DRAM traffic is the weights at w bits, inputs at a bits and outputs at a bits, with re-reads when they do not fit
/// the overlay's matrix buffers (see <see cref="TiledTraffic"/>). A depthwise conv is mapped with its channels on
/// the array's rows as a dense layer would be, and its short reduction (the kernel area) leaves most of each Dk-bit
/// unit idle: bit-serial overlays are poor at depthwise convs, and the model says so.
/// </summary>
public sealed class BismoModel(BismoParameters p) : ILayerCostModel
{
    public ModelledCost Cost(LayerWorkload layer, Precision precision)
    {
        int w = precision.WeightBits, a = precision.ActivationBits;
        if (w > p.MaxBits || a > p.MaxBits)
            throw new ArgumentException($"{layer.Name}: this BISMO overlay runs operands of up to {p.MaxBits} bits, not {precision}");

        double cycles = layer.Computes
            ? (double)w * a * Math.Ceiling((double)layer.M / p.Dm) * Math.Ceiling((double)layer.K / p.Dk) * Math.Ceiling((double)layer.N / p.Dn)
            : 0;
        double computeSeconds = cycles / (p.FrequencyMegahertz * 1e6);
        double dramBytes = TiledTraffic.Bytes(layer.Weights * w / 8.0, layer.InputElements * a / 8.0, layer.OutputElements * a / 8.0,
            p.WeightBufferKilobytes * 1024, p.InputBufferKilobytes * 1024);
        double memorySeconds = dramBytes / (p.DramGigabytesPerSecond * 1e9);

        double computeJoules = (double)layer.Macs * w * a * p.BinaryOpPicojoules * 1e-12;
        double bufferBytes = dramBytes + layer.Macs * (w + a) / 8.0 / Math.Sqrt((double)p.Dm * p.Dn);
        double memoryJoules = (dramBytes * p.Memory.DramPicojoulesPerByte + bufferBytes * p.Memory.SramPicojoulesPerByte) * 1e-12;
        return new ModelledCost(computeSeconds, memorySeconds, computeJoules, memoryJoules, (long)dramBytes);
    }
}
