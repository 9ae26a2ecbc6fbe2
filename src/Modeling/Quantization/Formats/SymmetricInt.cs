using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// Symmetric integer codes with one scale per slice: s = max|x| / (2^(bits-1) - 1) over the slice, code =
/// round(x / s) clamped to +-(2^(bits-1) - 1). Weights take a slice per output channel (each row of an out x in
/// matrix), activations a slice per token (every channel at one position of a (B, C, H, W) map).
/// </summary>
public static class SymmetricInt
{
    public static int Levels(int bits) => (1 << (bits - 1)) - 1;

    /// <summary>The integer codes (as floats) and their scales, which broadcast against them; reduced over <paramref name="dim"/>.</summary>
    public static (Tensor Codes, Tensor Scales) Quantize(Tensor x, int bits, long dim)
    {
        int levels = Levels(bits);
        var scales = x.abs().amax([dim], keepdim: true).clamp_min(1e-12) / levels;
        return ((x / scales).round().clamp(-levels, levels), scales);
    }
}
