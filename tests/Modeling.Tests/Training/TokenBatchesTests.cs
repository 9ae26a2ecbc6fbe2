using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Training;

/// <summary>Held-out windows made into tensors once score a network as <see cref="TextEvaluation"/> does, batch by batch.</summary>
public sealed class TokenBatchesTests
{
    private static readonly byte[] Stream = [.. Enumerable.Range(0, 1_000).Select(i => (byte)(i * 7 % 20))];

    [Fact]
    public void Prepared_windows_score_a_network_as_the_windows_made_batch_by_batch()
    {
        manual_seed(5);
        using var network = new SpecNetwork(ModelZoo.Create("gpt-w0.25-d0.5", InputSpec.Tokens(16, 20), 20));
        var windows = TokenWindows.Spread(Stream, 16, 10);

        var streamed = TextEvaluation.Of(network, Stream, 16, windows, batchSize: 4);
        using var batches = new TokenBatches(Stream, 16, windows, batchSize: 3);
        var prepared = batches.Evaluate(network.forward);

        Assert.Equal(10, batches.Windows);
        Assert.Equal(10 * 16, prepared.Tokens);
        Assert.Equal(streamed.Accuracy, prepared.Accuracy, 12);
        Assert.Equal(streamed.Perplexity, prepared.Perplexity, 4);
        Assert.Equal(TextEvaluation.Of(network, Stream, 16).Perplexity, TextEvaluation.Of(network, Stream, 16, TokenWindows.Tiling(Stream, 16)).Perplexity, 12);
    }

    [Fact]
    public void Spread_windows_reach_the_end_of_the_stream_without_overlapping()
    {
        var all = TokenWindows.Tiling(Stream, 16); // 62 windows

        var spread = TokenWindows.Spread(Stream, 16, 10);

        Assert.Equal(10, spread.Length);
        Assert.Equal(0, spread[0]);
        Assert.True(spread[^1] >= all[^1] - 7 * 16, $"the last window starts at {spread[^1]}");
        Assert.All(spread.Zip(spread.Skip(1)), p => Assert.True(p.Second - p.First >= 16));
        Assert.All(spread, s => Assert.Contains(s, all));
        Assert.Equal(all, TokenWindows.Spread(Stream, 16, 100)); // all of them where the stream holds fewer
    }
}
