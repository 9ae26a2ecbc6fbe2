using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Torch;

/// <summary>What the transformer layers compute in TorchSharp, against hand-worked values and against each other.</summary>
public class TransformerNetworkTests
{
    private static readonly InputSpec Tokens = InputSpec.Tokens(context: 16, vocabulary: 20);

    // One attention layer reading the three projections of a 2-channel token embedding.
    private static SpecNetwork Single(int headSize, int queries, int keys, bool causal, bool rotary)
    {
        var spec = new ModelSpec
        {
            Name = "one", Input = InputSpec.Tokens(3, 20), Classes = 20,
            Layers =
            [
                new LayerSpec { Name = "tokens", Op = LayerOp.Embedding, Out = 4 },
                new LayerSpec { Name = "q", Op = LayerOp.Projection, Out = queries, Inputs = ["tokens"] },
                new LayerSpec { Name = "k", Op = LayerOp.Projection, Out = keys, Inputs = ["tokens"] },
                new LayerSpec { Name = "v", Op = LayerOp.Projection, Out = keys, Inputs = ["tokens"] },
                new LayerSpec { Name = "attention", Op = LayerOp.Attention, Inputs = ["q", "k", "v"], HeadSize = headSize, Causal = causal, Rotary = rotary },
                new LayerSpec { Name = "head", Op = LayerOp.Projection, Out = 20 },
            ],
        };
        return new SpecNetwork(spec);
    }

    private static Tensor Map(params float[][] positions) => // (1, C, 1, P) from one row of channels per position
        tensor(positions.SelectMany(p => p).ToArray()).reshape(positions.Length, -1).T.reshape(1, -1, 1, positions.Length);

    [Fact]
    public void Causal_attention_averages_the_values_a_position_may_see_by_hand()
    {
        using var scope = NewDisposeScope();
        var layer = new LayerSpec { Name = "a", Op = LayerOp.Attention, HeadSize = 2, Causal = true };
        var q = Map([1, 0], [1, 0]);
        var k = Map([0, 0], [2, 0]); // position 1's score for key 1 is 1*2/sqrt(2) = sqrt(2), for key 0 it is 0
        var v = Map([1, 2], [3, 4]);

        var output = AttentionKernel.Attend(layer, q, k, v);

        double w1 = Math.Exp(Math.Sqrt(2)) / (1 + Math.Exp(Math.Sqrt(2))); // softmax weight of key 1
        var expected = Map([1, 2], [(float)(1 * (1 - w1) + 3 * w1), (float)(2 * (1 - w1) + 4 * w1)]); // position 0 sees only itself
        Assert.True(output.allclose(expected, rtol: 1e-5, atol: 1e-6), output.ToString(TorchSharp.TensorStringStyle.Julia));
    }

    [Fact]
    public void Rotary_embedding_turns_a_heads_channel_pairs_by_the_position()
    {
        using var scope = NewDisposeScope();
        var layer = new LayerSpec { Name = "a", Op = LayerOp.Attention, HeadSize = 2, Rotary = true };
        var q = Map([0, 1], [0, 1]);
        var k = Map([1, 0], [1, 0]);
        var v = Map([0, 0], [1, 1]);

        var output = AttentionKernel.Attend(layer, q, k, v);

        // Position p turns (x, y) by p radians (theta_0 = 1): q0 = (0, 1), q1 = (-sin 1, cos 1), k0 = (1, 0), k1 = (cos 1, sin 1).
        // Scores q.k / sqrt 2: q0.k0 = 0, q0.k1 = sin 1, q1.k0 = -sin 1, q1.k1 = 0; the output is the weight on value 1.
        double s = Math.Sin(1) / Math.Sqrt(2);
        float atZero = (float)(Math.Exp(s) / (1 + Math.Exp(s)));
        float atOne = (float)(1 / (Math.Exp(-s) + 1));
        Assert.True(output.allclose(Map([atZero, atZero], [atOne, atOne]), rtol: 1e-5, atol: 1e-6), output.ToString(TorchSharp.TensorStringStyle.Julia));
    }

    [Fact]
    public void A_shared_key_head_serves_consecutive_query_heads()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var grouped = new LayerSpec { Name = "a", Op = LayerOp.Attention, HeadSize = 2, Causal = true };
        var q = randn(2, 8, 1, 5); // 4 query heads
        var k = randn(2, 4, 1, 5); // 2 key/value heads
        var v = randn(2, 4, 1, 5);

        var output = AttentionKernel.Attend(grouped, q, k, v);

        // Query heads 0 and 1 read key head 0, heads 2 and 3 read key head 1.
        var repeated = (Tensor x) => cat([x.narrow(1, 0, 2), x.narrow(1, 0, 2), x.narrow(1, 2, 2), x.narrow(1, 2, 2)], 1);
        Assert.True(output.allclose(AttentionKernel.Attend(grouped, q, repeated(k), repeated(v)), rtol: 1e-5, atol: 1e-6));
    }

    [Theory]
    [InlineData("gpt-w0.25-d0.5")]
    [InlineData("llama-w0.25-d0.5")]
    public void A_language_models_scores_at_a_position_do_not_depend_on_later_tokens(string name)
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var network = new SpecNetwork(ModelZoo.Create(name, Tokens, 20));
        network.eval();
        var tokens = randint(0, 20, [2, 1, 1, 16], dtype: ScalarType.Int64);
        var changed = tokens.clone();
        changed[.., .., .., 10..] = (changed[.., .., .., 10..] + 1) % 20;

        using var noGrad = no_grad();
        var before = network.forward(tokens);
        var after = network.forward(changed);

        Assert.Equal(new long[] { 2, 20, 1, 16 }, before.shape);
        Assert.True(before[.., .., .., ..10].allclose(after[.., .., .., ..10], atol: 1e-6));
        Assert.False(before[.., .., .., 10..].allclose(after[.., .., .., 10..], atol: 1e-3));
    }

    [Theory]
    [InlineData("gpt-w0.25-d0.5", true)]
    [InlineData("llama-w0.25-d0.5", true)]
    [InlineData("vit-w0.5-d0.5", false)]
    public void The_module_has_the_analysed_parameters_and_the_compiled_network_computes_the_same(string name, bool language)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var spec = ModelZoo.Create(name, language ? Tokens : new InputSpec(1, 28, 28), language ? 20 : 10);
        using var network = new SpecNetwork(spec);
        network.eval();
        var input = language ? randint(0, 20, [3, 1, 1, 16], dtype: ScalarType.Int64) : randn(3, 1, 28, 28);
        using (no_grad())
            foreach (var (key, p) in network.named_parameters().Where(p => p.name.EndsWith(".weight", StringComparison.Ordinal) && p.parameter.dim() == 1))
                p.uniform_(0.5, 1.5); // norms that are not the identity

        Assert.Equal(spec.Analyze().Params, network.parameters().Sum(p => p.numel()));
        Tensor expected, actual;
        using (no_grad()) expected = network.forward(input);
        using (var compiled = ScoringNetwork.Of(network))
        using (inference_mode()) actual = compiled.Forward(input);
        double error = (actual - expected).abs().max().item<float>() / expected.abs().max().item<float>();
        Assert.True(error < 1e-5, $"{name}: relative difference {error:G3}");
    }

    [Fact]
    public void Rms_norm_scales_each_position_to_unit_root_mean_square()
    {
        using var scope = NewDisposeScope();
        var spec = new ModelSpec
        {
            Name = "rms", Input = new InputSpec(2, 1, 2), Classes = 2,
            Layers = [new LayerSpec { Name = "norm", Op = LayerOp.RmsNorm, Epsilon = 1e-9 }, new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 2 }],
        };
        using var network = new SpecNetwork(spec);
        using (no_grad()) network.state_dict()["norm.weight"].copy_(tensor(new[] { 1f, 2f }));

        var normalised = network.ForwardAll(Map([3, 4], [1, 1]))["norm"];

        var rms = Math.Sqrt(12.5); // (9 + 16) / 2
        Assert.True(normalised.allclose(Map([(float)(3 / rms), (float)(2 * 4 / rms)], [1, 2]), rtol: 1e-5));
    }
}
