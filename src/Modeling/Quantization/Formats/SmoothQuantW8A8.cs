using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// W8A8 as SmoothQuant deploys it (Xiao et al. 2023): activation outliers migrate into the weights with a scale per
/// input channel, s_j = max|X_j|^alpha / max|W_j|^(1 - alpha), so that X / s and W s both quantize well; weights
/// take INT8 per output channel, activations INT8 per token, and the product is the INT8 kernel's: integer codes
/// multiplied and summed exactly (in float32, exact while the sums stay below 2^24: 1,040 input channels at 127 x 127),
/// then scaled once by both scales.
/// </summary>
public sealed class SmoothQuantW8A8 : QuantizedProjection
{
    private readonly Tensor? _smoothing;
    private readonly Tensor _codesT, _scalesT;

    /// <param name="weight">out x in.</param>
    /// <param name="smoothing">The migration scales (null: plain W8A8).</param>
    public SmoothQuantW8A8(Tensor weight, Tensor? bias, Tensor? smoothing)
        : base(new ProjectionFormat(FormatKind.W8A8, smoothing is null ? FormatMethod.None : FormatMethod.Smooth), bias)
    {
        _smoothing = KeepIfAny(smoothing?.detach().clone());
        var (codes, scales) = SymmetricInt.Quantize(smoothing is null ? weight : weight * smoothing.reshape(1, -1), 8, dim: 1);
        (_codesT, _scalesT) = (Keep(codes.t().contiguous()), Keep(scales.t().contiguous()));
    }

    public override StoredProjection Stored => new Int8RowWeights(_codesT.t(), _scalesT.flatten(), _smoothing);

    /// <summary>The migration scales, one per input channel, from calibration's per-channel activation maxima.</summary>
    /// <param name="activationMax">max |X_j| over the calibration tokens, one per input channel.</param>
    /// <param name="weight">out x in.</param>
    public static Tensor Scales(Tensor activationMax, Tensor weight, double alpha)
    {
        if (alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "SmoothQuant's alpha lies in [0, 1]");
        var weightMax = weight.abs().amax([0]).clamp_min(1e-5);
        return (activationMax.clamp_min(1e-5).pow(alpha) / weightMax.pow(1 - alpha)).clamp_min(1e-5);
    }

    protected override Tensor Rows(Tensor x) =>
        Int8Gemm(_smoothing is null ? x : x / _smoothing, _codesT, _scalesT);

    /// <summary>
    /// The INT8 GEMM: each token (row of <paramref name="x"/>) to INT8 codes with its own scale, integer products
    /// summed exactly, then one rescale by the token's and the output channel's scales.
    /// </summary>
    /// <param name="weightCodesT">in x out integer codes.</param>
    /// <param name="weightScalesT">1 x out.</param>
    internal static Tensor Int8Gemm(Tensor x, Tensor weightCodesT, Tensor weightScalesT)
    {
        var (codes, scales) = SymmetricInt.Quantize(x, 8, dim: 1);
        return codes.matmul(weightCodesT) * scales * weightScalesT;
    }
}
