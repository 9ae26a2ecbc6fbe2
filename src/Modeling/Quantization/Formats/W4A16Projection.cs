using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// W4A16 (AWQ's and TensorRT-LLM's weight-only INT4): weights as UINT4 in groups along the input, each group with an
/// FP16 scale and an integer zero point, dequantized to FP16 inside the GEMM; activations stay FP16, products
/// accumulate in FP32. With AWQ's per-input-channel scales s the kernel stores Q(W diag(s)) and reads x / s (in
/// deployment the division folds into the layer before).
/// </summary>
public sealed class W4A16Projection : QuantizedProjection
{
    private readonly Tensor? _awqScales;
    private readonly Tensor _weightT;

    public W4A16Projection(ProjectionFormat format, Tensor weight, Tensor? bias, Tensor? awqScales) : base(format, bias)
    {
        _awqScales = KeepIfAny(awqScales?.detach().clone());
        var scaled = awqScales is null ? weight : weight * awqScales.reshape(1, -1);
        var (codes, scales, zeros) = GroupedUInt.Quantize(scaled, 4, format.GroupSize, fp16Scales: true);
        _weightT = Keep(Fp16.Round(GroupedUInt.Dequantize(codes, scales, zeros, scaled.shape)).t().contiguous().clone());
        Stored = new Int4BlockWeights(Keep(codes.reshape(scaled.shape).clone()), Keep(scales.squeeze(-1).clone()), Keep(zeros.squeeze(-1).clone()),
            format.GroupSize, _awqScales);
    }

    public override StoredProjection Stored { get; }

    protected override Tensor Rows(Tensor x) => Fp16.Round(_awqScales is null ? x : x / _awqScales).matmul(_weightT);
}

/// <summary>
/// AWQ's search (Lin et al. 2024): salient input channels are those with large activations; scaling them up before
/// 4-bit rounding protects them. Scales s = mean|x_j|^a, normalised to geometric mean 1 over the extremes, are tried
/// for a in {0, 1/n, ..., (n-1)/n}; the one whose rounded layer best reproduces the float outputs on the calibration
/// tokens wins (a = 0 is plain rounding, so the search never does worse than it on those tokens).
/// </summary>
public static class AwqScaleSearch
{
    public static Tensor Scales(Tensor weight, Tensor samples, long group, int grid)
    {
        if (grid < 1) throw new ArgumentOutOfRangeException(nameof(grid), grid, "AWQ's grid needs at least one point");
        var activationMean = samples.abs().mean([0]);
        var reference = samples.matmul(weight.t());
        Tensor? best = null;
        double bestLoss = double.PositiveInfinity;
        for (int i = 0; i < grid; i++)
        {
            var scales = activationMean.pow((double)i / grid).clamp_min(1e-4);
            scales = scales / (scales.max() * scales.min()).sqrt();
            var rounded = GroupedUInt.Round(weight * scales.reshape(1, -1), 4, group, fp16Scales: true) / scales.reshape(1, -1);
            double loss = (samples.matmul(rounded.t()) - reference).square().mean().item<float>();
            if (loss < bestLoss) (best, bestLoss) = (scales, loss);
        }
        return best!;
    }
}
