using AutoDesign.Modeling.Quantization.Formats;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Quantization;

/// <summary>
/// Each serving format's arithmetic on examples small enough to work by hand. Values are chosen so that every FP16
/// scale is exact; rounding is half to even, as the kernels' rint is.
/// </summary>
public class ServingFormatTests
{
    private static Tensor Row(params float[] values) => tensor(values).reshape(1, -1);

    private static Tensor Token(params float[] values) => tensor(values).reshape(1, -1, 1, 1);

    private static readonly ProjectionInputs NoCalibration = new(ones(1), ones(1, 1));

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance = 1e-6) =>
        Assert.True(actual.allclose(expected, rtol: tolerance, atol: tolerance), actual.ToString(TorchSharp.TensorStringStyle.Julia));

    [Fact]
    public void A_uint4_group_takes_the_span_over_15_and_an_integer_zero_point()
    {
        using var scope = NewDisposeScope();
        // span 3.75 -> scale 0.25; zero point round(1 / 0.25) = 4;
        // codes round(-4) + 4 = 0, round(2.4) + 4 = 6, round(11) + 4 = 15, round(1.2) + 4 = 5
        var (codes, scales, zeros) = GroupedUInt.Quantize(Row(-1f, 0.6f, 2.75f, 0.3f), 4, group: 4, fp16Scales: true);
        AssertClose(tensor(new[] { 0f, 6, 15, 5 }), codes.flatten());
        Assert.Equal(0.25f, scales.item<float>());
        Assert.Equal(4f, zeros.item<float>());
        AssertClose(Row(-1f, 0.5f, 2.75f, 0.25f), GroupedUInt.Dequantize(codes, scales, zeros, [1, 4]));
    }

    [Fact]
    public void W4A16_reads_the_rounded_group_back_in_fp16_and_keeps_activations_in_fp16()
    {
        using var scope = NewDisposeScope();
        using var layer = QuantizedProjection.Prepare(new ProjectionFormat(FormatKind.W4A16, GroupSize: 4), Row(-1f, 0.6f, 2.75f, 0.3f), null, NoCalibration, new FormatSettings());
        // weights read back as [-1, 0.5, 2.75, 0.25]: y = -1 + 1 - 2.75 + 1 = -1.75 (float: -1.65)
        AssertClose(Token(-1.75f), layer.Project(Token(1f, 2f, -1f, 4f)));
    }

    [Fact]
    public void AWQ_never_does_worse_than_rounding_on_its_calibration_tokens_and_beats_it_when_a_channel_is_salient()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var weight = randn(32, 64);
        var samples = randn(256, 64);
        samples[.., 3] *= 30; // a salient channel: large activations make its weights matter most
        var exact = samples.matmul(weight.t());
        double Error(FormatMethod method)
        {
            var inputs = new ProjectionInputs(samples.abs().amax([0]), samples);
            using var layer = QuantizedProjection.Prepare(new ProjectionFormat(FormatKind.W4A16, method, GroupSize: 32), weight, null, inputs, new FormatSettings());
            return (TokenRows.FromMap(layer.Project(TokenRows.ToMap(samples, 1, 1, 256))) - exact).square().mean().item<float>();
        }

        Assert.True(Error(FormatMethod.Awq) < 0.8 * Error(FormatMethod.None), $"AWQ {Error(FormatMethod.Awq)} against rounding {Error(FormatMethod.None)}");
        var oneCandidate = AwqScaleSearch.Scales(weight, samples, 32, grid: 1); // only alpha = 0: every scale 1
        AssertClose(ones(64), oneCandidate);
    }

    [Fact]
    public void QoQ_progressive_quantization_restores_int8_weights_by_hand_and_runs_the_int8_gemm()
    {
        using var scope = NewDisposeScope();
        // One row, max 119 x 2^-6: channel scale 2^-6, INT8 values [119, -40, 3, 0 | 17, 100, -119, 5].
        var weight = Row(119f, -40, 3, 0, 17, 100, -119, 5) / 64;
        var levels = QoqW4A8.Quantize(weight, group: 4);
        // Group 1: span 159 / 15 = 10.6 -> scale 11, zero round(40 / 11) = 4, codes [11 + 4, -4 + 4, 0 + 4, 0 + 4].
        // Group 2: span 219 / 15 = 14.6 -> scale 15, zero round(119 / 15) = 8, codes [1 + 8, 7 + 8, -8 + 8, 0 + 8].
        AssertClose(tensor(new[] { 15f, 0, 4, 4, 9, 15, 0, 8 }), levels.Codes.flatten());
        AssertClose(tensor(new[] { 11f, 15 }), levels.GroupScales.flatten());
        AssertClose(tensor(new[] { 4f, 8 }), levels.Zeros.flatten());
        AssertClose(Row(121f, -44, 0, 0, 15, 105, -120, 0), levels.Int8);

        using var layer = QuantizedProjection.Prepare(new ProjectionFormat(FormatKind.W4A8, GroupSize: 4), weight, null, NoCalibration, new FormatSettings());
        // Token [2, 1, 0, 0, 0, 1, 0, 0]: scale 2 / 127, codes [127, 63.5 -> 64, 0, 0, 0, 64, 0, 0].
        // y = (127 x 121 - 64 x 44 + 64 x 105) x (2 / 127) x 2^-6 = 19,271 x 2 / 8,128   (float: 298 / 64)
        AssertClose(Token(19_271f * 2 / 8_128), layer.Project(Token(2f, 1, 0, 0, 0, 1, 0, 0)));
    }

    [Fact]
    public void QoQ_restored_weights_stay_in_int8_range_even_with_outliers()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var weight = randn(64, 128);
        weight[.., 7] *= 50;
        weight[3] *= 20;
        foreach (long group in new long[] { 0, 32, 128 })
        {
            var levels = QoqW4A8.Quantize(weight, group);
            Assert.True(levels.Int8.abs().max().item<float>() <= 127, $"group {group}");
            Assert.True(levels.GroupScales.max().item<float>() <= 16, $"group {group}: a group scale above 16 would not keep the product in 8 bits");
            Assert.True(levels.GroupScales.eq(levels.GroupScales.round()).all().item<bool>());
        }
    }

    [Fact]
    public void W4A4_scales_each_group_of_weights_and_of_the_token_and_sums_the_groups()
    {
        using var scope = NewDisposeScope();
        using var layer = QuantizedProjection.Prepare(new ProjectionFormat(FormatKind.W4A4, GroupSize: 4), Row(7f, -3.5f, 1, 0) / 8, null, NoCalibration, new FormatSettings());
        // weights: scale 0.875 / 7 = 0.125, codes [7, -3.5 -> -4, 1, 0] -> [0.875, -0.5, 0.125, 0]
        // token [1, 2, 3.5, -0.5]: scale 0.5, codes [2, 4, 7, -1], read back exactly
        // y = 0.875 - 1 + 0.4375 = 0.3125   (float: 0.4375)
        AssertClose(Token(0.3125f), layer.Project(Token(1f, 2, 3.5f, -0.5f)));
    }

    [Fact]
    public void SVDQuant_moves_a_rank_one_weight_entirely_into_the_low_rank_branch()
    {
        using var scope = NewDisposeScope();
        var weight = tensor(new[] { 2f, 4, 0, 0, 1, 2, 0, 0 }).reshape(2, 4); // [2, 1]^T [1, 2, 0, 0]
        var (down, up) = SvdQuantW4A4.LowRank(weight, 1);
        AssertClose(weight, up.matmul(down), 1e-5);
        var inputs = new ProjectionInputs(ones(4), ones(1, 4));
        using var layer = QuantizedProjection.Prepare(new ProjectionFormat(FormatKind.W4A4, FormatMethod.Svd, GroupSize: 4, Rank: 1), weight, null, inputs, new FormatSettings(SmoothingAlpha: 0));
        // alpha 0 divides by max|W_j| per input channel; the branch carries W exactly and the residual is nothing:
        // x = [1, 1, 0.3, 0.7] -> [1 x 2 + 1 x 4, 1 + 2] = [6, 3], however coarse 4 bits are for 0.3 and 0.7.
        AssertClose(Token(6f, 3f), layer.Project(Token(1f, 1, 0.3f, 0.7f)), 2e-3);
    }

    [Fact]
    public void SVDQuant_beats_plain_and_smoothed_W4A4_on_weights_with_outlier_channels()
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        var weight = randn(64, 128) * 0.05 + randn(64, 4).matmul(randn(4, 128)) * 0.2; // a few strong directions
        var samples = randn(512, 128);
        samples[.., 9] *= 40;
        var exact = samples.matmul(weight.t());
        var inputs = new ProjectionInputs(samples.abs().amax([0]), samples);
        double Error(string name)
        {
            using var layer = QuantizedProjection.Prepare(ProjectionFormat.Parse(name), weight, null, inputs, new FormatSettings());
            return (TokenRows.FromMap(layer.Project(TokenRows.ToMap(samples, 1, 1, 512))) - exact).square().mean().item<float>();
        }

        double plain = Error("w4a4-g64"), smooth = Error("w4a4-smooth-g64"), svd = Error("w4a4-svd-r8-g64");
        Assert.True(smooth < plain, $"smooth {smooth} against plain {plain}");
        Assert.True(svd < 0.5 * smooth, $"svd {svd} against smooth {smooth}");
    }

    [Fact]
    public void A_4_bit_cache_reads_each_token_and_head_back_from_its_own_scale_and_zero_point()
    {
        using var scope = NewDisposeScope();
        using var cache = new KvCacheQuantizer(KvCacheFormat.Parse("kv4"), null, headSize: 4, rotary: false, alpha: 0.5);
        var heads = tensor(new[] { -1f, 0.6f, 2.75f, 0.3f, 0f, 1.5f, 0f, 0f }).reshape(1, 2, 1, 4); // two heads, one token
        var (queries, keys, values) = cache.Apply(heads, heads, heads);
        // head 1 as the UINT4 group above; head 2: span 1.5 -> scale 0.1, zero 0, 1.5 -> code 15
        var expected = tensor(new[] { -1f, 0.5f, 2.75f, 0.25f, 0f, 1.5f, 0f, 0f }).reshape(1, 2, 1, 4);
        AssertClose(heads, queries);
        AssertClose(expected, keys, 1e-3);
        AssertClose(expected, values, 1e-3);
    }

    [Fact]
    public void SmoothAttention_pairs_rotary_channels_and_leaves_the_scores_unchanged()
    {
        using var scope = NewDisposeScope();
        // channel maxima [4, 1, 9, 16] in a head of 4: rotary pairs (0, 2) and (1, 3) share max 9 and 16 -> lambda [3, 4, 3, 4]
        AssertClose(tensor(new[] { 3f, 4, 3, 4 }).reshape(1, 4), KvCacheQuantizer.SmoothAttentionScales(tensor(new[] { 4f, 1, 9, 16 }), 4, rotary: true, alpha: 0.5));
        AssertClose(tensor(new[] { 2f, 1, 3, 4 }).reshape(1, 4), KvCacheQuantizer.SmoothAttentionScales(tensor(new[] { 4f, 1, 9, 16 }), 4, rotary: false, alpha: 0.5));

        manual_seed(13);
        var queries = randn(1, 4, 6, 8);
        var keys = randn(1, 2, 6, 8); // grouped-query: two query heads per key head
        keys[.., .., .., 1] *= 30;
        using var smooth = new KvCacheQuantizer(new KvCacheFormat(16, Smooth: true), keys.abs().amax([0, 2]).flatten(), 8, rotary: true, alpha: 0.5);
        var (q, k, _) = smooth.Apply(queries, keys, keys);
        var scores = queries.matmul(keys.repeat_interleave(2, 1).transpose(2, 3));
        AssertClose(scores, q.matmul(k.repeat_interleave(2, 1).transpose(2, 3)), 1e-4);
        Assert.True(k.abs().max().item<float>() < keys.abs().max().item<float>() / 3);
    }
}
