using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// W4A4 in groups along the input (symmetric INT4 codes with FP16 scales, per output channel and group for weights,
/// per token and group for activations; each group's integer dot product is scaled by both its scales and the groups
/// summed, as the W4A4 kernel's main loop does). Plain, after SmoothQuant's migration, or the SVDQuant way (Li et al.
/// 2025): migrate outliers into the weights, take the weights' top-r singular directions as a 16-bit low-rank branch
/// L1 L2 that the input also runs through, and quantize only the residual W - L1 L2, which has no outliers left.
/// </summary>
public sealed class SvdQuantW4A4 : QuantizedProjection
{
    private readonly Tensor? _smoothing;
    private readonly Tensor _weightT;
    private readonly Tensor? _downT, _upT;

    public SvdQuantW4A4(ProjectionFormat format, Tensor weight, Tensor? bias, Tensor? smoothing) : base(format, bias)
    {
        _smoothing = KeepIfAny(smoothing?.detach().clone());
        var smoothed = smoothing is null ? weight : weight * smoothing.reshape(1, -1);
        var residual = smoothed;
        if (format.Rank > 0)
        {
            var (down, up) = LowRank(smoothed, format.Rank);
            _downT = Keep(Fp16.Round(down).t().contiguous().clone());
            _upT = Keep(Fp16.Round(up).t().contiguous().clone());
            residual = smoothed - up.matmul(down);
        }
        _weightT = Keep(SymmetricInt.RoundGroups(residual, 4, format.GroupSize, fp16Scales: true).t().contiguous().clone());
    }

    /// <summary>The best rank-r approximation of <paramref name="weight"/> (out x in) as up (out x r) times down (r x in).</summary>
    public static (Tensor Down, Tensor Up) LowRank(Tensor weight, int rank)
    {
        var (u, s, vh) = linalg.svd(weight, fullMatrices: false);
        return (vh.narrow(0, 0, rank), u.narrow(1, 0, rank) * s.narrow(0, 0, rank));
    }

    protected override Tensor Rows(Tensor x)
    {
        var smoothed = _smoothing is null ? x : x / _smoothing;
        var y = SymmetricInt.RoundGroups(smoothed, 4, Format.GroupSize, fp16Scales: true).matmul(_weightT);
        if (_downT is not null) y = y + Fp16.Round(Fp16.Round(smoothed).matmul(_downT)).matmul(_upT!);
        return y;
    }
}
