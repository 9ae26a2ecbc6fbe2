using static TorchSharp.torch;

namespace AutoDesign.Modeling.Sparsity;

/// <summary>Chooses an attention layer's head patterns as a forward pass reaches it, from what its heads compute with.</summary>
public interface IHeadChooser
{
    /// <param name="q">The heads' queries (B, query heads, P, size), P = <paramref name="frames"/> x <paramref name="perFrame"/> frame by frame; keys and values alike, repeated for the query heads that share them.</param>
    /// <param name="share">Query heads per key/value head (query head h reads key/value head h / share).</param>
    /// <returns>One pattern per key/value head, fit for the layer.</returns>
    IReadOnlyList<HeadPattern> Choose(string layer, Tensor q, Tensor k, Tensor v, int share, int frames, int perFrame, bool causal);
}
