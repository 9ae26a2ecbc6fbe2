using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Serving;

/// <summary>One linear layer of a served model: out x in weights in a format, run on every token.</summary>
public sealed record ServingGemm(string Name, long Out, long In, ProjectionFormat Format);

/// <summary>
/// One attention layer: its query and key/value channels, heads of <paramref name="HeadSize"/>, its cache format, and
/// each key/value head's pattern (null: all dense).
/// </summary>
public sealed record ServingAttention(string Name, long QueryChannels, long KvChannels, long HeadSize, KvCacheFormat Cache, IReadOnlyList<HeadPattern>? Heads = null)
{
    public long KeyHeads => KvChannels / 2 / HeadSize;

    /// <summary>The key/value heads' patterns, dense where none is given.</summary>
    public IEnumerable<HeadPattern> Patterns => Heads ?? Enumerable.Repeat(HeadPattern.Dense, (int)KeyHeads);

    /// <summary>Multiply-accumulates of Q K^T and P V in the prefill of one prompt (causal).</summary>
    public double PrefillMacs(int prompt) => 2.0 * QueryChannels / KeyHeads * Patterns.Sum(p => AttentionWork.PrefillPairs(p, 1, prompt, causal: true));

    /// <summary>Cached tokens one decode step reads, summed over the key/value heads, as a share of reading them all.</summary>
    public double DecodeReadShare(long cached) => Patterns.Sum(p => AttentionWork.DecodeReads(p, cached)) / (KeyHeads * (double)cached);

    /// <summary>The cache one sequence of <paramref name="tokens"/> holds here: a streaming head keeps only its sinks and window.</summary>
    public double CacheBytes(long tokens) =>
        Cache.BytesPerToken(KvChannels, HeadSize) / KeyHeads * Patterns.Sum(p => p is StreamingPattern s ? Math.Min(tokens, s.Sinks + (long)s.Window) : tokens);
}

/// <summary>
/// What serving a decoder-only language model costs per token, read from its spec and a format policy: the
/// projections in their formats, the attention layers with their caches, the layers that only stream activations
/// (norms, residual adds, gates: <see cref="StreamedChannels"/> values read and written per token), and the head,
/// which runs in FP16 on the last position only.
/// </summary>
public sealed record ServingWorkload(
    string Name,
    IReadOnlyList<ServingGemm> Projections,
    IReadOnlyList<ServingAttention> Attention,
    long StreamedChannels,
    ServingGemm Head,
    long WeightBytes,
    FormatPolicy Policy,
    ModelSpec Spec)
{
    /// <param name="heads">Each attention layer's pattern per key/value head (null, or a layer not named: dense).</param>
    public static ServingWorkload From(ModelSpec spec, FormatPolicy policy, IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>? heads = null)
    {
        if (!spec.Input.IsTokens) throw new ArgumentException($"{spec.Name} reads images; serving throughput is modelled for language models", nameof(spec));
        policy.Validate(spec);
        var analysis = spec.Analyze();
        var quantizable = FormatPolicy.QuantizableProjections(spec).ToHashSet();
        var projections = new List<ServingGemm>();
        var attention = new List<ServingAttention>();
        long streamed = 0;
        for (int i = 0; i < spec.Layers.Count - 1; i++)
        {
            var (layer, shape) = (spec.Layers[i], analysis.Layers[i]);
            switch (layer.Op)
            {
                case LayerOp.Projection:
                    projections.Add(new ServingGemm(layer.Name, shape.OutChannels, shape.InChannels, quantizable.Contains(layer.Name) ? policy.For(layer.Name) : new ProjectionFormat(FormatKind.Fp16)));
                    break;
                case LayerOp.Attention:
                    attention.Add(new ServingAttention(layer.Name, shape.OutChannels, shape.KvChannels, layer.HeadSize!.Value, policy.CacheFor(layer.Name), heads?.GetValueOrDefault(layer.Name)));
                    break;
                default:
                    streamed += shape.OutChannels;
                    break;
            }
        }
        var last = analysis.Layers[^1];
        var head = new ServingGemm(spec.Layers[^1].Name, last.OutChannels, last.InChannels, new ProjectionFormat(FormatKind.Fp16));
        return new ServingWorkload(spec.Name, projections, attention, streamed, head, FormatSizes.WeightBytes(spec, policy), policy, spec);
    }

    /// <summary>The cache one sequence of <paramref name="tokens"/> holds, over every layer.</summary>
    public long KvBytes(long tokens) => (long)Math.Ceiling(Attention.Sum(a => a.CacheBytes(tokens)));
}
