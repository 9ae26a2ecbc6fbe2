namespace AutoDesign.Modeling.Sparsity;

/// <summary>
/// What one head's pattern costs, for the cost models: the (query, key) pairs a prefill of a sequence computes, and
/// the cached tokens one decode step reads. Block-sparse heads count whole blocks, as block-sparse kernels compute
/// them; page selection counts, besides the pages read, each page's key minima and maxima (two key vectors a page, one
/// token's worth of keys and values).
/// </summary>
public static class AttentionWork
{
    /// <summary>(query, key) pairs computed over <paramref name="frames"/> x <paramref name="perFrame"/> positions.</summary>
    public static double PrefillPairs(HeadPattern pattern, int frames, int perFrame, bool causal)
    {
        double n = (double)frames * perFrame;
        double dense = causal ? n * (n + 1) / 2 : n * n;
        switch (pattern)
        {
            case StreamingPattern s:
            {
                // Query t reads min(t + 1, sinks + window) keys: a triangle up to the span, then the span per query.
                double span = Math.Min(n, (double)s.Sinks + s.Window);
                return Math.Min(span * (span + 1) / 2 + (n - span) * span, dense);
            }
            case SpatialPattern:
                return n * perFrame;
            case TemporalPattern:
                return n * frames;
            case BlockSparsePattern b:
            {
                double pairs = 0, square = (double)b.Block * b.Block;
                for (int i = 0; i < b.Mask.Length; i++)
                    for (int j = 0; j < b.Mask[i].Length; j++)
                        if (b.Mask[i][j]) pairs += !causal || j < i ? square : j == i ? b.Block * (b.Block + 1) / 2.0 : 0;
                return pairs;
            }
            default: // dense, and page selection, which prefills densely
                return dense;
        }
    }

    /// <summary>Cached tokens (key and value) one decode step reads from a cache of <paramref name="cached"/>.</summary>
    public static double DecodeReads(HeadPattern pattern, long cached) => pattern switch
    {
        StreamingPattern s => Math.Min(cached, s.Sinks + (long)s.Window),
        PageSelectionPattern p => Math.Min(cached, p.Budget) + (cached > p.Budget ? Math.Ceiling(cached / (double)p.PageSize) : 0),
        _ => cached,
    };
}
