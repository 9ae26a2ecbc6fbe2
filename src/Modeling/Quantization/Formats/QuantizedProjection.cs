using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>What calibration saw at a projection's input: max |x| per input channel, and a sample of its tokens (N x in).</summary>
public sealed record ProjectionInputs(Tensor ChannelMax, Tensor Samples);

/// <summary>The settings of the formats' calibration.</summary>
/// <param name="SmoothingAlpha">SmoothQuant's migration strength (and SVDQuant's smoothing): 0 leaves activations, 1 moves all to the weights.</param>
/// <param name="SmoothAttentionAlpha">SmoothAttention's strength on the keys.</param>
/// <param name="AwqGrid">How many migration strengths in [0, 1) AWQ's scale search tries.</param>
public sealed record FormatSettings(double SmoothingAlpha = 0.5, double SmoothAttentionAlpha = 0.5, int AwqGrid = 20);

/// <summary>
/// A projection prepared for one format: weights rounded once, as the kernel stores them, and inputs rounded per
/// call, as the kernel reads them. Computes (B, in, H, W) maps to (B, out, H, W), per token.
/// </summary>
public abstract class QuantizedProjection : IDisposable
{
    private readonly List<Tensor> _kept = [];
    private readonly Tensor? _bias;

    protected QuantizedProjection(ProjectionFormat format, Tensor? bias)
    {
        Format = format;
        if (bias is not null) _bias = Keep(format.Kind == FormatKind.Fp32 ? bias.detach().clone() : Fp16.Round(bias.detach()));
    }

    public ProjectionFormat Format { get; }

    /// <summary>The bias as the kernel adds it (FP16 values, or FP32 for the FP32 format).</summary>
    public Tensor? Bias => _bias;

    /// <summary>What the kernel stores, for formats an exporter can write (null: none).</summary>
    public virtual StoredProjection? Stored => null;

    /// <summary>Prepares <paramref name="weight"/> (out x in) and <paramref name="bias"/> for <paramref name="format"/>.</summary>
    public static QuantizedProjection Prepare(ProjectionFormat format, Tensor weight, Tensor? bias, ProjectionInputs inputs, FormatSettings settings)
    {
        if (format.Misfit(weight.shape[0], weight.shape[1]) is { } misfit) throw new ArgumentException(misfit, nameof(format));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var w = weight.detach();
        return format.Kind switch
        {
            FormatKind.Fp32 or FormatKind.Fp16 => new FloatProjection(format, w, bias),
            FormatKind.W8A8 => new SmoothQuantW8A8(w, bias, format.Method == FormatMethod.Smooth ? SmoothQuantW8A8.Scales(inputs.ChannelMax, w, settings.SmoothingAlpha) : null),
            FormatKind.W4A16 => new W4A16Projection(format, w, bias, format.Method == FormatMethod.Awq ? AwqScaleSearch.Scales(w, inputs.Samples, format.GroupSize, settings.AwqGrid) : null),
            FormatKind.W4A8 => new QoqW4A8(format, w, bias, format.Method == FormatMethod.Smooth ? SmoothQuantW8A8.Scales(inputs.ChannelMax, w, settings.SmoothingAlpha) : null),
            _ => new SvdQuantW4A4(format, w, bias, format.Method == FormatMethod.None ? null : SmoothQuantW8A8.Scales(inputs.ChannelMax, w, settings.SmoothingAlpha)),
        };
    }

    public Tensor Project(Tensor map)
    {
        var y = Rows(TokenRows.FromMap(map));
        if (_bias is not null) y = y + _bias;
        return TokenRows.ToMap(y, map.shape[0], map.shape[2], map.shape[3]);
    }

    /// <summary>(N, in) tokens to (N, out), before the bias.</summary>
    protected abstract Tensor Rows(Tensor x);

    /// <summary>Keeps a tensor past the dispose scope it was made in, until this projection is disposed.</summary>
    protected Tensor Keep(Tensor tensor)
    {
        tensor.DetachFromDisposeScope();
        _kept.Add(tensor);
        return tensor;
    }

    protected Tensor? KeepIfAny(Tensor? tensor) => tensor is null ? null : Keep(tensor);

    public void Dispose()
    {
        foreach (var tensor in _kept) tensor.Dispose();
        _kept.Clear();
        GC.SuppressFinalize(this);
    }
}

/// <summary>FP32 as trained, or FP16 weights and activations (accumulated in FP32, as tensor cores do).</summary>
internal sealed class FloatProjection : QuantizedProjection
{
    private readonly Tensor _weightT;

    public FloatProjection(ProjectionFormat format, Tensor weight, Tensor? bias) : base(format, bias) =>
        _weightT = Keep((format.Kind == FormatKind.Fp32 ? weight : Fp16.Round(weight)).t().contiguous().clone());

    protected override Tensor Rows(Tensor x) => (Format.Kind == FormatKind.Fp32 ? x : Fp16.Round(x)).matmul(_weightT);
}
