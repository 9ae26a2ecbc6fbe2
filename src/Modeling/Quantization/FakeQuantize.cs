using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization;

/// <summary>
/// Linear (uniform) quantize-dequantize in the forward pass with a straight-through estimator in the backward
/// pass: inside the clipping range the gradient passes unchanged, outside it is zero (the clamp's own gradient).
/// </summary>
public static class FakeQuantize
{
    /// <summary>Symmetric, one scale per output channel (dimension 0): levels -(2^(b-1) - 1) .. 2^(b-1) - 1 times clip / (2^(b-1) - 1).</summary>
    public static Tensor Weights(Tensor weight, int bits, Tensor? clip = null)
    {
        if (bits >= 32) return weight;
        clip ??= weight.detach().abs().flatten(1).amax([1]);
        var shape = new long[weight.dim()];
        Array.Fill(shape, 1L);
        shape[0] = -1;
        var c = clip.clamp_min(1e-8f).reshape(shape);
        float levels = (1 << (bits - 1)) - 1;
        if (levels < 1) levels = 1; // 1 bit: the sign only
        var clamped = maximum(minimum(weight, c), -c);
        var step = c / levels;
        return clamped + ((clamped / step).round() * step - clamped).detach();
    }

    /// <summary>
    /// Per tensor: unsigned (0 .. 2^b - 1 steps of clip / (2^b - 1)) for non-negative inputs such as ReLU outputs,
    /// symmetric signed otherwise.
    /// </summary>
    public static Tensor Activations(Tensor input, int bits, float clip, bool signed)
    {
        if (bits >= 32) return input;
        clip = Math.Max(clip, 1e-8f);
        float levels = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        if (levels < 1) levels = 1;
        var clamped = input.clamp(signed ? -clip : 0f, clip);
        float step = clip / levels;
        return clamped + ((clamped / step).round() * step - clamped).detach();
    }
}
