using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// One attention layer's key/value cache in a <see cref="KvCacheFormat"/>: each token's key and value of each head is
/// stored as asymmetric codes (one FP16 scale and zero point per token and head, QServe's KV4/KV8) and read back
/// before attention. With SmoothAttention (QServe) the keys are first divided per channel by
/// lambda_j = max|K_j|^alpha and the queries multiplied by it, so Q K^T is unchanged while the keys' outlier channels
/// shrink; with rotary embeddings the two channels of a rotated pair share one lambda, so the scaling commutes with
/// the rotation and folds into the key and query projections.
/// </summary>
public sealed class KvCacheQuantizer : IDisposable
{
    private readonly Tensor? _lambda; // (1, kv heads, 1, head size)

    /// <param name="keyChannelMax">max |K_j| per key channel over the calibration tokens (needed with smoothing).</param>
    public KvCacheQuantizer(KvCacheFormat format, Tensor? keyChannelMax, long headSize, bool rotary, double alpha)
    {
        Format = format;
        if (!format.Smooth) return;
        if (keyChannelMax is null) throw new ArgumentNullException(nameof(keyChannelMax), "SmoothAttention needs the keys' calibrated channel maxima");
        using var scope = NewDisposeScope();
        _lambda = SmoothAttentionScales(keyChannelMax, headSize, rotary, alpha).unsqueeze(0).unsqueeze(2);
        _lambda.DetachFromDisposeScope();
    }

    public KvCacheFormat Format { get; }

    /// <summary>SmoothAttention's lambda, (1, kv heads, 1, head size); null without smoothing.</summary>
    public Tensor? KeyScales => _lambda;

    /// <summary>lambda per key channel, (kv heads, head size).</summary>
    public static Tensor SmoothAttentionScales(Tensor keyChannelMax, long headSize, bool rotary, double alpha)
    {
        if (alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "SmoothAttention's alpha lies in [0, 1]");
        var maxima = keyChannelMax.reshape(-1, headSize).clamp_min(1e-5);
        if (rotary)
        {
            long half = headSize / 2;
            var pair = maximum(maxima.narrow(1, 0, half), maxima.narrow(1, half, half));
            maxima = cat([pair, pair], 1);
        }
        return maxima.pow(alpha);
    }

    /// <summary>Queries, keys and values as (B, heads, P, head size), after rotary: the queries scaled, keys and values as the cache returns them.</summary>
    public (Tensor Queries, Tensor Keys, Tensor Values) Apply(Tensor queries, Tensor keys, Tensor values)
    {
        if (_lambda is not null)
        {
            keys = keys / _lambda;
            queries = queries * _lambda.repeat_interleave(queries.shape[1] / keys.shape[1], dim: 1);
        }
        if (!Format.IsQuantized) return (queries, keys, values);
        return (queries, Round(keys), Round(values));
    }

    private Tensor Round(Tensor heads) => GroupedUInt.Round(heads, Format.Bits, group: 0, fp16Scales: true);

    public void Dispose() => _lambda?.Dispose();
}
