using AutoDesign.Modeling.Sparsity;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AutoDesign.Modeling.Tests.Sparsity;

/// <summary>Each attention pattern computes what dense attention computes over the keys the pattern reads, and equals dense where it reads everything.</summary>
public class SparseAttentionTests
{
    private static (Tensor Q, Tensor K, Tensor V) Heads(int positions, int seed = 5)
    {
        manual_seed(seed);
        return (randn(2, 3, positions, 8), randn(2, 3, positions, 8), randn(2, 3, positions, 8));
    }

    // Dense attention masked to the pattern's Reads, position by position.
    private static Tensor Reference(HeadPattern pattern, Tensor q, Tensor k, Tensor v, int frames, int perFrame, bool causal)
    {
        int n = frames * perFrame;
        var mask = new bool[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) mask[i * n + j] = pattern.Reads(i, j, frames, perFrame, causal);
        return F.scaled_dot_product_attention(q, k, v, attn_mask: tensor(mask, [n, n]));
    }

    private static double Difference(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Theory]
    [InlineData("streaming-s2-w5", 1, 24, true)]
    [InlineData("streaming-s0-w1", 1, 24, true)] // each token alone
    [InlineData("streaming-s4-w7", 1, 37, true)] // a length no block size divides
    [InlineData("blocks-b4-100000.110000.011000.001100.100110.010011", 1, 24, true)]
    [InlineData("blocks-b6-1001.0110.0110.1001", 4, 6, false)]
    [InlineData("spatial", 4, 6, false)]
    [InlineData("temporal", 4, 6, false)]
    [InlineData("dense", 4, 6, false)]
    public void A_pattern_computes_dense_attention_over_the_keys_it_reads(string name, int frames, int perFrame, bool causal)
    {
        var pattern = HeadPattern.Parse(name);
        Assert.Equal(name, pattern.Name);
        Assert.Null(pattern.Misfit(frames, perFrame, causal));
        var (q, k, v) = Heads(frames * perFrame);

        var sparse = SparseAttention.Attend(pattern, q, k, v, frames, perFrame, causal);

        Assert.True(Difference(sparse, Reference(pattern, q, k, v, frames, perFrame, causal)) < 1e-5);
        if (pattern is not DensePattern) Assert.True(Difference(sparse, F.scaled_dot_product_attention(q, k, v, is_casual: causal)) > 1e-3, "the pattern skips something");
    }

    [Fact]
    public void A_window_longer_than_the_sequence_is_dense()
    {
        var (q, k, v) = Heads(24);
        var streaming = SparseAttention.Attend(new StreamingPattern(2, 64), q, k, v, 1, 24, causal: true);
        Assert.True(Difference(streaming, F.scaled_dot_product_attention(q, k, v, is_casual: true)) < 1e-5);
    }

    [Fact]
    public void A_page_budget_that_covers_the_cache_is_dense_in_decode_and_at_every_position()
    {
        var (q, k, v) = Heads(32);
        var covering = new PageSelectionPattern(4, 32);

        Assert.True(Difference(SparseAttention.Attend(covering, q, k, v, 1, 32, causal: true), F.scaled_dot_product_attention(q, k, v, is_casual: true)) < 1e-5);
        var last = q.narrow(2, 31, 1);
        Assert.True(Difference(PageSelection.Decode(covering, last, k, v), F.scaled_dot_product_attention(last, k, v)) < 1e-5);
    }

    [Fact]
    public void Every_position_reads_what_its_own_decode_step_would_read()
    {
        var (q, k, v) = Heads(32, seed: 9);
        var pattern = new PageSelectionPattern(4, 12); // the query's own page and the two best of the full ones before it
        var all = PageSelection.EveryPosition(pattern, q, k, v);

        var kept = PageSelection.Statistics(k, 4, 8); // as a cache keeps them, page by page
        for (int t = 0; t < 32; t++)
        {
            var step = PageSelection.Decode(pattern, q.narrow(2, t, 1), k.narrow(2, 0, t + 1), v.narrow(2, 0, t + 1));
            Assert.True(Difference(step, all.narrow(2, t, 1)) < 1e-5, $"position {t}");
            Assert.True(Difference(step, PageSelection.Decode(pattern, q.narrow(2, t, 1), k.narrow(2, 0, t + 1), v.narrow(2, 0, t + 1), kept)) < 1e-6);
        }
        Assert.True(Difference(all, F.scaled_dot_product_attention(q, k, v, is_casual: true)) > 1e-3, "the budget skips pages");
    }

    [Fact]
    public void Every_position_agrees_with_decode_across_its_query_blocks()
    {
        var (q, k, v) = Heads(300, seed: 4); // three blocks of queries, the last partial
        var pattern = new PageSelectionPattern(10, 40);
        var all = PageSelection.EveryPosition(pattern, q, k, v);

        Assert.Equal(q.shape, all.shape);
        foreach (int t in new[] { 0, 127, 128, 129, 255, 256, 299 })
            Assert.True(Difference(PageSelection.Decode(pattern, q.narrow(2, t, 1), k.narrow(2, 0, t + 1), v.narrow(2, 0, t + 1)), all.narrow(2, t, 1)) < 1e-5, $"position {t}");
    }

    [Fact]
    public void The_bound_holds_for_every_key_of_a_page_and_the_pages_read_are_those_with_the_highest_bounds()
    {
        var (q, k, v) = Heads(20, seed: 3);
        var last = q.narrow(2, 19, 1);
        var (minima, maxima) = PageSelection.Statistics(k, 4, 4);
        var bounds = PageSelection.Bounds(last, minima, maxima); // (2, 3, 1, 4)
        var scores = last.matmul(k.narrow(2, 0, 16).transpose(-1, -2)).reshape(2, 3, 1, 4, 4).amax(-1);
        Assert.True((bounds - scores).min().item<float>() >= -1e-5);

        // Budget 8: the own page (16..19) and the one full page with the highest bound.
        var step = PageSelection.Decode(new PageSelectionPattern(4, 8), last, k, v);
        var best = bounds.argmax(-1); // (2, 3, 1)
        for (int b = 0; b < 2; b++)
            for (int h = 0; h < 3; h++)
            {
                long page = best[b, h, 0].item<long>();
                var keys = cat([arange(page * 4, page * 4 + 4), arange(16, 20)]);
                Tensor Pick(Tensor x) => x[b, h].index_select(0, keys).unsqueeze(0);
                var expected = F.scaled_dot_product_attention(last[b, h].unsqueeze(0), Pick(k), Pick(v));
                Assert.True(Difference(step[b, h].unsqueeze(0), expected) < 1e-5);
            }
    }

    [Theory]
    [InlineData("streaming-s4-w0", 1, 64, true, "at least the query's own position")]
    [InlineData("streaming-s4-w128", 1, 64, true, "cover more than the layer's 64 positions")]
    [InlineData("streaming-s4-w16", 4, 16, false, "for causal attention")]
    [InlineData("pages-p24-b48", 1, 64, true, "does not divide the context of 64")]
    [InlineData("pages-p16-b40", 1, 64, true, "whole number of pages")]
    [InlineData("spatial", 1, 64, false, "sequence of frames")]
    [InlineData("temporal", 4, 16, true, "non-causal")]
    [InlineData("blocks-b16-10.01", 1, 64, true, "the mask has 2 rows where the layer has 4 blocks")]
    [InlineData("blocks-b32-01.01", 1, 64, true, "query block 0 reads no key block at or before it")]
    public void A_pattern_that_cannot_apply_says_why(string name, int frames, int perFrame, bool causal, string reason)
    {
        Assert.Contains(reason, HeadPattern.Parse(name).Misfit(frames, perFrame, causal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sliding")]
    [InlineData("streaming-s4")]
    [InlineData("blocks-b4-10.011")]
    public void A_name_that_is_not_a_pattern_is_refused(string name)
    {
        Assert.Throws<FormatException>(() => HeadPattern.Parse(name));
    }
}
