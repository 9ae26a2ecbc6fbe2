using AutoDesign.Modeling.Sparsity;

namespace AutoDesign.Modeling.Tests.Sparsity;

/// <summary>The work the cost models count for a pattern is the work its definition implies.</summary>
public class AttentionWorkTests
{
    [Theory]
    [InlineData("dense", 1, 40, true)]
    [InlineData("dense", 4, 10, false)]
    [InlineData("streaming-s3-w7", 1, 40, true)]
    [InlineData("streaming-s0-w50", 1, 40, true)] // a window past the start: dense
    [InlineData("spatial", 4, 10, false)]
    [InlineData("temporal", 4, 10, false)]
    [InlineData("blocks-b10-1000.1100.0110.1011", 1, 40, true)]
    [InlineData("blocks-b10-1001.0110.0110.1001", 4, 10, false)]
    public void Prefill_pairs_are_the_pairs_the_pattern_reads(string name, int frames, int perFrame, bool causal)
    {
        var pattern = HeadPattern.Parse(name);
        int n = frames * perFrame, read = 0;
        for (int q = 0; q < n; q++)
            for (int k = 0; k < n; k++)
                if (pattern.Reads(q, k, frames, perFrame, causal)) read++;

        Assert.Equal(read, AttentionWork.PrefillPairs(pattern, frames, perFrame, causal));
    }

    [Fact]
    public void A_decode_step_reads_sinks_and_window_or_its_pages_and_their_statistics()
    {
        Assert.Equal(1_000, AttentionWork.DecodeReads(HeadPattern.Dense, 1_000));
        Assert.Equal(68, AttentionWork.DecodeReads(new StreamingPattern(4, 64), 1_000));
        Assert.Equal(50, AttentionWork.DecodeReads(new StreamingPattern(4, 64), 50));
        Assert.Equal(256 + 63, AttentionWork.DecodeReads(new PageSelectionPattern(16, 256), 1_000)); // 63 pages' minima and maxima
        Assert.Equal(200, AttentionWork.DecodeReads(new PageSelectionPattern(16, 256), 200)); // the budget covers the cache: dense
    }
}
