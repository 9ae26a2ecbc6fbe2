using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Analytic;

/// <summary>Parameters of a bit-flexible spatial accelerator (see <see cref="BitFusionModel"/>).</summary>
public sealed record BitFusionParameters
{
    public required int FusionUnits { get; init; }

    /// <summary>2-bit x 2-bit multipliers per fusion unit; a w x a-bit product takes ceil(w/2) x ceil(a/2) of them.</summary>
    public required int BitBricksPerUnit { get; init; }

    public required double FrequencyMegahertz { get; init; }

    public required int MaxBits { get; init; }

    public required double WeightBufferKilobytes { get; init; }

    public required double InputBufferKilobytes { get; init; }

    public required double DramGigabytesPerSecond { get; init; }

    /// <summary>Energy of one BitBrick operation (a 2x2-bit multiply-add), in picojoules.</summary>
    public required double BrickPicojoules { get; init; }

    public required EnergyParameters Memory { get; init; }
}

/// <summary>
/// Bit Fusion (Sharma et al., ISCA 2018): fusion units made of 2-bit BitBricks that fuse into wider multipliers, so
/// a unit does BitBricksPerUnit / (ceil(w/2) x ceil(a/2)) multiply-accumulates per cycle: 16 at 2x2 bits, 1 at 8x8.
/// A layer takes max(compute time, DRAM time): compute time is its MACs over the array's MACs per cycle at the
/// layer's bit-widths; DRAM traffic is its weights at w bits, its inputs at a bits and its outputs at a bits, plus
/// re-reads when a working set does not fit its buffer (see <see cref="TiledTraffic"/>). Energy: BitBricks used per MAC, every DRAM byte once from DRAM
/// and once through an on-chip buffer, and each MAC's operands read from the buffers.
/// </summary>
public sealed class BitFusionModel(BitFusionParameters p) : ILayerCostModel
{
    public ModelledCost Cost(LayerWorkload layer, Precision precision)
    {
        int w = precision.WeightBits, a = precision.ActivationBits;
        if (w > p.MaxBits || a > p.MaxBits)
            throw new ArgumentException($"{layer.Name}: Bit Fusion runs operands of up to {p.MaxBits} bits, not {precision}");
        long bricks = Bricks(w) * Bricks(a);

        double macsPerCycle = (double)p.FusionUnits * p.BitBricksPerUnit / bricks;
        double computeSeconds = layer.Computes ? Math.Ceiling(layer.Macs / macsPerCycle) / (p.FrequencyMegahertz * 1e6) : 0;

        double dramBytes = TiledTraffic.Bytes(layer.Weights * w / 8.0, layer.InputElements * a / 8.0, layer.OutputElements * a / 8.0,
            p.WeightBufferKilobytes * 1024, p.InputBufferKilobytes * 1024);
        double memorySeconds = dramBytes / (p.DramGigabytesPerSecond * 1e9);

        double computeJoules = layer.Macs * bricks * p.BrickPicojoules * 1e-12;
        double bufferBytes = dramBytes + layer.Macs * (w + a) / 8.0 / Math.Sqrt(p.FusionUnits); // operands are shared along array rows and columns
        double memoryJoules = (dramBytes * p.Memory.DramPicojoulesPerByte + bufferBytes * p.Memory.SramPicojoulesPerByte) * 1e-12;
        return new ModelledCost(computeSeconds, memorySeconds, computeJoules, memoryJoules, (long)dramBytes);
    }

    /// <summary>BitBricks spanned by an operand of this width: 2-bit steps, so 1-2 bits take 1, 3-4 take 2, 8 take 4.</summary>
    public static long Bricks(int bits) => (bits + 1) / 2;
}
