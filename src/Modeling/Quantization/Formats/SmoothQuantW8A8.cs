using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// W8A8 as SmoothQuant deploys it (Xiao et al. 2023): activation outliers migrate into the weights with a scale per
/// input channel, s_j = max|X_j|^alpha / max|W_j|^(1 - alpha), so that X / s and W s both quantize well; weights
/// take INT8 per output channel, activations INT8 per token, and the product is the INT8 kernel's: integer codes
/// multiplied and summed exactly (in float32, exact while the sums stay below 2^24: 1,040 input channels at 127 x 127),
/// then scaled once by both scales.
/// </summary>
public static class SmoothQuantW8A8
{
    /// <summary>The migration scales, one per input channel, from calibration's per-channel activation maxima.</summary>
    /// <param name="activationMax">max |X_j| over the calibration tokens, one per input channel.</param>
    /// <param name="weight">out x in.</param>
    public static Tensor Scales(Tensor activationMax, Tensor weight, double alpha)
    {
        if (alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "SmoothQuant's alpha lies in [0, 1]");
        var weightMax = weight.abs().amax([0]).clamp_min(1e-5);
        return (activationMax.clamp_min(1e-5).pow(alpha) / weightMax.pow(1 - alpha)).clamp_min(1e-5);
    }

    /// <summary>
    /// The projection of a (B, C, H, W) map as the deployed kernel computes it: y = (q_x q_w^T) s_x s_w + b, with the
    /// input divided and the weights multiplied by <paramref name="smoothing"/> first (null: no migration).
    /// </summary>
    public static Tensor Project(Tensor input, Tensor weight, Tensor? bias, Tensor? smoothing)
    {
        var x = smoothing is null ? input : input / smoothing.reshape(1, -1, 1, 1);
        var w = smoothing is null ? weight : weight * smoothing.reshape(1, -1);
        var (xCodes, xScales) = SymmetricInt.Quantize(x, 8, dim: 1);  // (B, 1, H, W): one scale per token
        var (wCodes, wScales) = SymmetricInt.Quantize(w, 8, dim: 1);  // (O, 1): one scale per output channel
        var integers = F.conv2d(xCodes, wCodes.view(w.shape[0], w.shape[1], 1, 1));
        var y = integers * xScales * wScales.reshape(1, -1, 1, 1);
        return bias is null ? y : y + bias.reshape(1, -1, 1, 1);
    }
}
