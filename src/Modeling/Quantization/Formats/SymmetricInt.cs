using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// Symmetric integer codes with one scale per slice: s = max|x| / (2^(bits-1) - 1) over the slice, code =
/// round(x / s) clamped to +-(2^(bits-1) - 1). Weights take a slice per output channel (each row of an out x in
/// matrix) or per group of a row, activations a slice per token (a row of tokens x channels) or per group of it.
/// </summary>
public static class SymmetricInt
{
    public static int Levels(int bits) => (1 << (bits - 1)) - 1;

    /// <summary>The integer codes (as floats) and their scales, which broadcast against them; reduced over <paramref name="dim"/>.</summary>
    public static (Tensor Codes, Tensor Scales) Quantize(Tensor x, int bits, long dim, bool fp16Scales = false)
    {
        int levels = Levels(bits);
        var scales = x.abs().amax([dim], keepdim: true).clamp_min(1e-12) / levels;
        if (fp16Scales) scales = Fp16.Round(scales).clamp_min(6e-8);
        return ((x / scales).round().clamp(-levels, levels), scales);
    }

    /// <summary>Quantize groups of <paramref name="group"/> along the last dimension, then read back.</summary>
    public static Tensor RoundGroups(Tensor x, int bits, long group, bool fp16Scales)
    {
        var (codes, scales) = Quantize(GroupedUInt.Group(x, group), bits, dim: -1, fp16Scales);
        return (codes * scales).reshape(x.shape);
    }
}
