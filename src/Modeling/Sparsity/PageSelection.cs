using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AutoDesign.Modeling.Sparsity;

/// <summary>
/// LServe's decode-time page selection for a dense head: the KV cache is kept in pages of p tokens, each with the
/// per-channel minimum and maximum of its keys. For a query q, sum_j max(q_j min_j, q_j max_j) bounds q.k from above
/// for every key k of the page; the query's own (newest, partly filled) page is always read, and of the full pages
/// before it those with the highest bounds, up to the token budget. Attention then reads only those pages.
/// </summary>
public static class PageSelection
{
    /// <summary>The upper bound of q.k over each page: queries (..., Q, size), key pages' minima and maxima (..., pages, size) → (..., Q, pages).</summary>
    public static Tensor Bounds(Tensor queries, Tensor minima, Tensor maxima)
    {
        var q = queries.unsqueeze(-2);
        return maximum(q * minima.unsqueeze(-3), q * maxima.unsqueeze(-3)).sum(-1);
    }

    /// <summary>Per-channel minima and maxima of the full pages of the first <paramref name="pages"/> x p keys (B, h, T, size).</summary>
    public static (Tensor Minima, Tensor Maxima) Statistics(Tensor keys, int pageSize, long pages)
    {
        var paged = keys.narrow(2, 0, pages * pageSize).reshape(keys.shape[0], keys.shape[1], pages, pageSize, keys.shape[3]);
        return (paged.amin(3), paged.amax(3));
    }

    /// <summary>
    /// One decode step: queries (B, h, 1, size) over a cache of keys and values (B, h, T, size), T > 0, reading the
    /// chosen pages only. With a budget that covers the cache it is dense attention.
    /// </summary>
    /// <param name="statistics">The full pages' key minima and maxima as the cache keeps them (each computed once, when
    /// its page fills; at least the full pages before the newest token's); null: computed here.</param>
    public static Tensor Decode(PageSelectionPattern pattern, Tensor query, Tensor keys, Tensor values, (Tensor Minima, Tensor Maxima)? statistics = null)
    {
        int p = pattern.PageSize;
        long total = keys.shape[2], full = (total - 1) / p; // the page holding the newest token is the query's own
        long chosen = Math.Min(full, pattern.Pages - 1);
        if (chosen == full) return F.scaled_dot_product_attention(query, keys, values);
        var (minima, maxima) = statistics is { } kept ? (kept.Minima.narrow(2, 0, full), kept.Maxima.narrow(2, 0, full)) : Statistics(keys, p, full);
        var (_, pages) = Bounds(query, minima, maxima).squeeze(2).topk((int)chosen, dim: -1); // (B, h, chosen)
        var tokens = (pages.unsqueeze(-1) * p + arange(p, device: keys.device)).flatten(2); // (B, h, chosen x p)
        long own = full * p;
        tokens = cat([tokens, arange(own, total, device: keys.device).expand(tokens.shape[0], tokens.shape[1], -1)], -1);
        var index = tokens.unsqueeze(-1).expand(-1, -1, -1, keys.shape[3]);
        return F.scaled_dot_product_attention(query, keys.gather(2, index), values.gather(2, index));
    }

    /// <summary>
    /// Every position of a window scored as if it were decoded with the cache before it (a language model's quality
    /// under page selection); (B, h, P, size) each, causal. Queries go in blocks of <see cref="QueryBlock"/>, so the
    /// masks held at once are (B, h, block, P), not (B, h, P, P).
    /// </summary>
    public static Tensor EveryPosition(PageSelectionPattern pattern, Tensor q, Tensor k, Tensor v)
    {
        int p = pattern.PageSize;
        long positions = q.shape[2], pages = positions / p;
        var (minima, maxima) = Statistics(k, p, pages);
        var keyPage = arange(positions, device: q.device).div(p, rounding_mode: RoundingMode.floor); // (P)
        var parts = new List<Tensor>();
        for (long first = 0; first < positions; first += QueryBlock)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(QueryBlock, positions - first);
            var queries = q.narrow(2, first, count);
            var ownPage = arange(first, first + count, device: q.device).div(p, rounding_mode: RoundingMode.floor); // (Q)
            var earlier = arange(pages, device: q.device).unsqueeze(0).lt(ownPage.unsqueeze(1)); // (Q, pages): full pages before the query's own
            var bounds = Bounds(queries, minima, maxima).masked_fill(earlier.logical_not(), float.NegativeInfinity); // (B, h, Q, pages)
            long chosen = Math.Min(pages, pattern.Pages - 1);
            var read = zeros(q.shape[0], q.shape[1], count, pages, dtype: ScalarType.Bool, device: q.device);
            if (chosen > 0)
            {
                var (_, top) = bounds.topk((int)chosen, dim: -1);
                read = read.scatter(-1, top, ones_like(top, dtype: ScalarType.Bool)).logical_and(earlier); // a query with fewer earlier pages took some it must not read
            }
            read = read.logical_or(ownPage.unsqueeze(1).eq(arange(pages, device: q.device).unsqueeze(0))); // its own page
            var causal = arange(positions, device: q.device).unsqueeze(0).le(arange(first, first + count, device: q.device).unsqueeze(1)); // (Q, P)
            var visible = read.index_select(-1, keyPage).logical_and(causal); // (B, h, Q, P)
            parts.Add(F.scaled_dot_product_attention(queries, k, v, attn_mask: visible).MoveToOuterDisposeScope());
        }
        return parts.Count == 1 ? parts[0] : cat(parts, 2);
    }

    /// <summary>Queries <see cref="EveryPosition"/> scores at once.</summary>
    public const int QueryBlock = 128;
}
