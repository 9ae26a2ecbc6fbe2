using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Quantization;

/// <summary>Serving formats applied to whole transformers: names, policies, and what a deployed network computes.</summary>
public class FormatDeploymentTests
{
    private static readonly InputSpec Tokens = InputSpec.Tokens(context: 32, vocabulary: 20);

    [Theory]
    [InlineData("fp32")]
    [InlineData("fp16")]
    [InlineData("w8a8")]
    [InlineData("w8a8-smooth")]
    [InlineData("w4a16-g128")]
    [InlineData("w4a16-awq-g32")]
    [InlineData("w4a8")]
    [InlineData("w4a8-smooth-g128")]
    [InlineData("w4a4-g64")]
    [InlineData("w4a4-svd-r32-g64")]
    public void A_format_reads_back_from_its_name(string name) => Assert.Equal(name, ProjectionFormat.Parse(name).Name);

    [Theory]
    [InlineData("w3a8", "does not start with a format")]
    [InlineData("w4a16", "need one")]
    [InlineData("w8a8-g64", "take no group")]
    [InlineData("w4a16-g48", "32, 64 or 128")]
    [InlineData("w4a4-svd-g64", "svd needs one")]
    [InlineData("w4a8-awq", "not a served format")]
    [InlineData("w4a4-r16-g64", "goes with svd")]
    [InlineData("w4a8-bogus", "'bogus' is not a method")]
    [InlineData("kv3", "not a KV cache format")]
    public void A_name_that_is_no_format_says_why(string name, string reason)
    {
        var error = Assert.Throws<FormatException>(() => { _ = name.StartsWith("kv", StringComparison.Ordinal) ? (object)KvCacheFormat.Parse(name) : ProjectionFormat.Parse(name); });
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weight_bytes_count_codes_scales_zero_points_and_the_low_rank_branch()
    {
        // a 256 x 1024 layer: 262,144 weights, FP16 bias 512 bytes
        Assert.Equal(262_144 * 2 + 512, ProjectionFormat.Parse("fp16").WeightBytes(256, 1024));
        Assert.Equal(262_144 + 512 + 512, ProjectionFormat.Parse("w8a8").WeightBytes(256, 1024));
        Assert.Equal(131_072 + 2_048 * 2 + 1_024 + 512, ProjectionFormat.Parse("w4a16-g128").WeightBytes(256, 1024));
        Assert.Equal(131_072 + 512 + 2_048 + 1_024 + 512, ProjectionFormat.Parse("w4a8-g128").WeightBytes(256, 1024));
        Assert.Equal(131_072 + 4_096 * 2 + 2 * 16 * 1_280 + 512, ProjectionFormat.Parse("w4a4-svd-r16-g64").WeightBytes(256, 1024));
        Assert.Equal(128.0, KvCacheFormat.Fp16.BytesPerToken(64, 32));
        Assert.Equal(64 * 0.5 + 2 * 2 * 2, KvCacheFormat.Parse("kv4").BytesPerToken(64, 32));
    }

    // An embedding 48 wide, one projection 48 -> 96, the head.
    private static readonly ModelSpec Narrow = new()
    {
        Name = "narrow", Input = InputSpec.Tokens(8, 20), Classes = 20,
        Layers =
        [
            new LayerSpec { Name = "tokens", Op = LayerOp.Embedding, Out = 48 },
            new LayerSpec { Name = "up", Op = LayerOp.Projection, Out = 96 },
            new LayerSpec { Name = "head", Op = LayerOp.Projection, Out = 20 },
        ],
    };

    [Theory]
    [InlineData("head", "w8a8", "projections.head", "not the output head")]
    [InlineData("up", "w4a16-g32", "projections.up", "a group of 32 does not divide the layer's 48 input channels")]
    [InlineData("up", "w4a4-svd-r64-g32", "projections.up", "does not divide")]
    [InlineData("up", "w8a8-smooth", "projections.up", null)]
    [InlineData("tokens", "fp16", "projections.tokens", "no quantizable projection of that name")]
    public void A_policy_that_cannot_apply_names_the_layer(string layer, string format, string field, string? reason)
    {
        var policy = new FormatPolicy(new Dictionary<string, ProjectionFormat> { [layer] = ProjectionFormat.Parse(format) }, new Dictionary<string, KvCacheFormat>());
        if (reason is null)
        {
            policy.Validate(Narrow);
            return;
        }
        var error = Assert.Throws<ModelSpecException>(() => policy.Validate(Narrow));
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rank_above_the_layers_size_names_the_layer()
    {
        var spec = ModelZoo.Create("gpt-w0.25-d0.5", Tokens, 20); // 128 wide
        var policy = new FormatPolicy(new Dictionary<string, ProjectionFormat> { ["block1_q"] = ProjectionFormat.Parse("w4a4-svd-r256-g64") }, new Dictionary<string, KvCacheFormat>());
        var error = Assert.Throws<ModelSpecException>(() => policy.Validate(spec));
        Assert.Equal("projections.block1_q", error.Field);
        Assert.Contains("rank 256 is above the layer's size (128 x 128)", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cache_format_on_a_layer_that_is_not_attention_names_it()
    {
        var spec = ModelZoo.Create("gpt-w0.25-d0.5", Tokens, 20);
        var policy = new FormatPolicy(new Dictionary<string, ProjectionFormat>(), new Dictionary<string, KvCacheFormat> { ["block1_up"] = KvCacheFormat.Parse("kv4") });
        Assert.Equal("caches.block1_up", Assert.Throws<ModelSpecException>(() => policy.Validate(spec)).Field);
    }

    [Theory]
    [InlineData("gpt-w0.25-d0.5")]
    [InlineData("llama-w0.25-d0.5")]
    public void A_deployed_network_computes_float_in_fp32_comes_close_in_w8a8_and_returns_to_float_when_disposed(string name)
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        var spec = ModelZoo.Create(name, Tokens, 20);
        using var network = new SpecNetwork(spec);
        network.eval();
        var tokens = randint(0, 20, [4, 1, 1, 32], dtype: ScalarType.Int64);
        using var noGrad = no_grad();
        var reference = network.forward(tokens);
        using var calibration = new FormatCalibration(network, tokens);
        using var kernels = new FormatKernels(network, calibration, new FormatSettings());

        double Deviation(string format, string cache)
        {
            using var deployment = kernels.Deploy(FormatPolicy.Uniform(spec, ProjectionFormat.Parse(format), KvCacheFormat.Parse(cache)));
            return (network.forward(tokens) - reference).abs().max().item<float>() / reference.abs().max().item<float>();
        }

        Assert.True(Deviation("fp32", "kv16") < 1e-6);
        double w8a8 = Deviation("w8a8-smooth", "kv8"), w4a4 = Deviation("w4a4-g32", "kv4");
        Assert.InRange(w8a8, 1e-6, 0.05);
        Assert.True(w4a4 > w8a8, $"W4A4 KV4 moved the scores by {w4a4}, W8A8 KV8 by {w8a8}");
        Assert.True((network.forward(tokens) - reference).abs().max().item<float>() == 0, "disposing the deployment returns the network to float");
    }
}
