namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// How an attention layer stores its key/value cache: <c>kv16</c> (FP16), <c>kv8</c>, <c>kv4</c>, and
/// <c>kv8-smooth</c> / <c>kv4-smooth</c> with QServe's SmoothAttention scaling the keys per channel first. Quantized
/// caches take asymmetric codes with an FP16 scale and zero point per token and head.
/// </summary>
public sealed record KvCacheFormat(int Bits, bool Smooth = false)
{
    public static readonly KvCacheFormat Fp16 = new(16);

    public bool IsQuantized => Bits < 16;

    public string Name => $"kv{Bits}" + (Smooth ? "-smooth" : "");

    public override string ToString() => Name;

    /// <summary>Reads a cache format's name; a name that is not one is a <see cref="FormatException"/> saying why.</summary>
    public static KvCacheFormat Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "kv16" => Fp16,
        "kv8" => new(8),
        "kv4" => new(4),
        "kv8-smooth" => new(8, true),
        "kv4-smooth" => new(4, true),
        _ => throw new FormatException($"'{(name.Length <= 40 ? name : name[..40] + "...")}' is not a KV cache format: kv16, kv8, kv4, kv8-smooth or kv4-smooth"),
    };

    /// <summary>Bytes one token adds to the cache of a layer with this many key plus value channels, in heads of <paramref name="headSize"/>.</summary>
    public double BytesPerToken(long kvChannels, long headSize) =>
        IsQuantized ? kvChannels * Bits / 8.0 + kvChannels / headSize * 2 * 2.0 : kvChannels * 2.0;
}
