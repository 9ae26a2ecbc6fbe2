using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>What a transformer under a <see cref="FormatPolicy"/> keeps in memory: its weights, and its KV cache per sequence.</summary>
public static class FormatSizes
{
    /// <summary>Projections in their formats; every other parameter (embeddings, norms, the head) in FP16.</summary>
    public static long WeightBytes(ModelSpec spec, FormatPolicy policy)
    {
        var quantizable = FormatPolicy.QuantizableProjections(spec).ToHashSet();
        return spec.Analyze().Layers.Sum(layer => quantizable.Contains(layer.Name)
            ? policy.For(layer.Name).WeightBytes(layer.OutChannels, layer.InChannels)
            : 2 * layer.Params);
    }

    /// <summary>The KV cache of one sequence of <paramref name="tokens"/> tokens, over every attention layer.</summary>
    public static long KvBytes(ModelSpec spec, FormatPolicy policy, long tokens) =>
        (long)Math.Ceiling(tokens * spec.Analyze().Layers
            .Where(layer => layer.Op == LayerOp.Attention)
            .Sum(layer => policy.CacheFor(layer.Name).BytesPerToken(layer.KvChannels, spec.Layer(layer.Name).HeadSize!.Value)));
}
