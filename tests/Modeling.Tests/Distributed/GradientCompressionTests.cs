using AutoDesign.Modeling.Distributed;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Distributed;

public sealed class GradientCompressionTests
{
    private static readonly GradientCompression SparseOnly = new()
    {
        Density = 0.01, MomentumCorrection = false, MomentumFactorMasking = false, ClipNorm = 0, WarmupEpochs = 0,
    };

    [Fact]
    public void The_largest_accumulated_entries_are_sent_and_the_rest_is_kept_for_later_steps()
    {
        using var weight = zeros(20, 50);
        using var compressor = new GradientCompressor([weight], SparseOnly, workers: 1, momentum: 0.9, nesterov: true);
        manual_seed(4);
        var total = new double[1000];
        var sent = new double[1000];
        for (int step = 0; step < 30; step++)
        {
            using var gradient = randn(20, 50);
            var values = gradient.flatten().data<float>().ToArray();
            for (int i = 0; i < values.Length; i++) total[i] += values[i];
            var layer = compressor.Compress([gradient], epoch: 0).Layers[0];

            Assert.Equal(10, layer.Indices!.Length); // 1 % of 1,000
            Assert.Equal(layer.Indices.Order(), layer.Indices);
            for (int k = 0; k < layer.Values.Length; k++) sent[layer.Indices[k]] += layer.Values[k];
        }
        // Nothing is lost: what was sent plus what is still kept is everything the worker computed. Kept = total - sent,
        // and each kept entry is smaller than the smallest one sent in the last step could have been replaced by.
        var kept = total.Zip(sent, (t, s) => t - s).ToArray();
        var last = compressor.Compress([zeros(20, 50)], epoch: 0).Layers[0];
        double smallestSent = last.Values.Min(Math.Abs);
        for (int k = 0; k < last.Values.Length; k++) Assert.Equal(kept[last.Indices![k]], last.Values[k], 3);
        Assert.All(Enumerable.Range(0, 1000).Except(last.Indices!), i => Assert.True(Math.Abs(kept[i]) <= smallestSent + 1e-4));
    }

    [Fact]
    public void Momentum_factor_masking_stops_stale_momentum_from_sending_an_entry_again()
    {
        int SentAgain(bool masking)
        {
            var settings = new GradientCompression { Density = 0.01, MomentumFactorMasking = masking, ClipNorm = 0, WarmupEpochs = 0 };
            using var weight = zeros(10, 100);
            using var compressor = new GradientCompressor([weight], settings, workers: 1, momentum: 0.9, nesterov: false);
            using var spike = zeros(10, 100);
            spike.flatten()[7] = tensor(100f);
            Assert.Contains(7, compressor.Compress([spike], 0).Layers[0].Indices!);
            using var quiet = zeros(10, 100);
            return Enumerable.Range(0, 5).Select(_ => compressor.Compress([quiet], 0).Layers[0])
                .Count(sent => Array.IndexOf(sent.Indices!, 7) is var k and >= 0 && sent.Values[k] != 0);
        }

        Assert.Equal(5, SentAgain(masking: false)); // its momentum, 0.9^k x 100, is sent again and again
        Assert.Equal(0, SentAgain(masking: true));
    }

    [Fact]
    public void Local_clipping_bounds_each_worker_s_share_of_the_average_by_the_norm_over_the_square_root_of_the_workers()
    {
        var settings = SparseOnly with { ClipNorm = 5 };
        using var bias = zeros(100);
        using var compressor = new GradientCompressor([bias], settings, workers: 4, momentum: 0.9, nesterov: true);
        using var gradient = full(100, 10f); // norm 100: a share of 25 in the average of 4

        var sent = compressor.Compress([gradient], 0).Layers[0];

        Assert.Null(sent.Indices); // one-dimensional parameters go in full
        Assert.Equal(10, Math.Sqrt(sent.Values.Sum(v => (double)v * v)), 3); // a share of 2.5 = 5 / sqrt(4)
    }

    [Fact]
    public void The_warm_up_lowers_the_density_exponentially_to_the_target()
    {
        var settings = new GradientCompression();
        double[] expected = [0.25, 0.0629, 0.0158, 0.0040, 0.001, 0.001];
        for (int epoch = 0; epoch < expected.Length; epoch++) Assert.Equal(expected[epoch], settings.DensityAt(epoch), 4);
        Assert.Equal(1, GradientCompression.Dense.DensityAt(0));
    }

    [Theory]
    [InlineData(0.0, "density")]
    [InlineData(1.5, "density")]
    public void Bad_settings_are_named(double density, string field)
    {
        Assert.StartsWith(field, new GradientCompression { Density = density }.Problem());
        Assert.StartsWith("momentumFactorMasking", new GradientCompression { MomentumCorrection = false }.Problem());
        Assert.Null(new GradientCompression().Problem());
    }
}
