using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// W4A8 as QServe's QoQ stores it (Lin et al. 2024): progressive group quantization. Weights first take INT8 per
/// output channel with an FP16 scale, in the protective range [-119, 119]; those INT8 values then take UINT4 per
/// group with an integer (UINT8) scale and a UINT4 zero point. Reading a group back, (q - z) s, is 8-bit integer
/// arithmetic whose result stays in [-128, 127] (|w| &lt;= 119 and rounding moves it by at most s / 2 &lt;= 8), so the
/// main loop runs the INT8 GEMM of W8A8 and every floating-point scale is applied once, after it. Activations are
/// INT8 per token; SmoothQuant's migration is optional.
/// </summary>
public sealed class QoqW4A8 : QuantizedProjection
{
    public const int ProtectiveRange = 119;

    private readonly Tensor? _smoothing;
    private readonly Tensor _codesT, _scalesT;

    public QoqW4A8(ProjectionFormat format, Tensor weight, Tensor? bias, Tensor? smoothing) : base(format, bias)
    {
        _smoothing = KeepIfAny(smoothing?.detach().clone());
        var progressive = Quantize(smoothing is null ? weight : weight * smoothing.reshape(1, -1), format.GroupSize);
        (_codesT, _scalesT) = (Keep(progressive.Int8.t().contiguous()), Keep(progressive.ChannelScales.t().contiguous()));
    }

    /// <summary>The INT8 weights the GEMM reads (ONNX Runtime has no 4-bit W4A8 kernel: the file stores them in 8 bits).</summary>
    public override StoredProjection Stored => new Int8RowWeights(_codesT.t(), _scalesT.flatten(), _smoothing);

    /// <summary>The two levels of a weight matrix (out x in): what the kernel stores and the INT8 values it restores.</summary>
    /// <param name="group">Input channels per UINT4 group; 0: one group per output channel.</param>
    public static ProgressiveWeights Quantize(Tensor weight, long group)
    {
        var channelScales = Fp16.Round(weight.abs().amax([1], keepdim: true).clamp_min(1e-8) / ProtectiveRange);
        var int8 = (weight / channelScales).round().clamp(-ProtectiveRange, ProtectiveRange);
        var grouped = GroupedUInt.Group(int8, group);
        var max = grouped.amax([-1], keepdim: true);
        var min = grouped.amin([-1], keepdim: true);
        var groupScales = ((max - min) / 15).ceil().clamp_min(1); // an integer: 16 levels cover the group's span
        var zeros = (-min / groupScales).round().clamp(0, 15);
        var codes = ((grouped / groupScales).round() + zeros).clamp(0, 15);
        var restored = ((codes - zeros) * groupScales).reshape(int8.shape);
        return new ProgressiveWeights(codes, groupScales, zeros, channelScales, restored);
    }

    protected override Tensor Rows(Tensor x) => SmoothQuantW8A8.Int8Gemm(_smoothing is null ? x : x / _smoothing, _codesT, _scalesT);
}

/// <param name="Codes">UINT4 codes, (out, groups, group).</param>
/// <param name="GroupScales">Integer scales, (out, groups, 1).</param>
/// <param name="Zeros">UINT4 zero points, (out, groups, 1).</param>
/// <param name="ChannelScales">FP16 scales, (out, 1).</param>
/// <param name="Int8">(codes - zeros) x group scales: the INT8 weights the GEMM reads, (out, in).</param>
public sealed record ProgressiveWeights(Tensor Codes, Tensor GroupScales, Tensor Zeros, Tensor ChannelScales, Tensor Int8);
