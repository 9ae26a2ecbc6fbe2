using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// Asymmetric unsigned codes over groups of consecutive values along the last dimension, as AWQ's and QServe's
/// kernels store them: per group, scale s = (max - min) / (2^bits - 1), integer zero point z = round(-min / s)
/// clamped to the code range, code q = clamp(round(x / s) + z, 0, 2^bits - 1); x is read back as (q - z) s.
/// </summary>
public static class GroupedUInt
{
    /// <summary>The codes, scales and zero points, shaped (..., groups, group): a group of 0 is the whole last dimension.</summary>
    public static (Tensor Codes, Tensor Scales, Tensor Zeros) Quantize(Tensor x, int bits, long group, bool fp16Scales)
    {
        long top = (1L << bits) - 1;
        var grouped = Group(x, group);
        var max = grouped.amax([-1], keepdim: true);
        var min = grouped.amin([-1], keepdim: true);
        var scales = ((max - min) / top).clamp_min(1e-8);
        if (fp16Scales) scales = Fp16.Round(scales).clamp_min(6e-8);
        var zeros = (-min / scales).round().clamp(0, top);
        var codes = ((grouped / scales).round() + zeros).clamp(0, top);
        return (codes, scales, zeros);
    }

    /// <summary>The values the codes stand for, in the input's shape.</summary>
    public static Tensor Dequantize(Tensor codes, Tensor scales, Tensor zeros, long[] shape) => ((codes - zeros) * scales).reshape(shape);

    /// <summary>Quantize then read back.</summary>
    public static Tensor Round(Tensor x, int bits, long group, bool fp16Scales)
    {
        var (codes, scales, zeros) = Quantize(x, bits, group, fp16Scales);
        return Dequantize(codes, scales, zeros, x.shape);
    }

    public static Tensor Group(Tensor x, long group)
    {
        long last = x.shape[^1];
        if (group <= 0) group = last;
        if (last % group != 0) throw new ArgumentException($"a group of {group} does not divide {last}");
        return x.reshape([.. x.shape[..^1], last / group, group]);
    }
}
