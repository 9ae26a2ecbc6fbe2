using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Sparsity;

/// <summary>Attention layers run with a pattern per key/value head; a pattern that cannot apply is named.</summary>
public class SparsifiedNetworkTests
{
    private static readonly InputSpec Tokens = InputSpec.Tokens(32, 40);

    [Fact]
    public void Each_key_value_head_and_the_query_heads_reading_it_take_their_own_pattern()
    {
        var layer = new LayerSpec { Name = "attention", Op = LayerOp.Attention, HeadSize = 8, Causal = true, Rotary = true };
        manual_seed(2);
        var (q, k, v) = (randn(2, 32, 1, 24), randn(2, 16, 1, 24), randn(2, 16, 1, 24)); // 4 query heads over 2 key/value heads
        HeadPattern streaming = new StreamingPattern(2, 6), dense = HeadPattern.Dense;

        var mixed = AttentionKernel.Attend(layer, q, k, v, heads: [streaming, dense]);
        var allStreaming = AttentionKernel.Attend(layer, q, k, v, heads: [streaming, streaming]);
        var allDense = AttentionKernel.Attend(layer, q, k, v);

        Assert.Equal(0, (mixed.narrow(1, 0, 16) - allStreaming.narrow(1, 0, 16)).abs().max().item<float>(), 5);
        Assert.Equal(0, (mixed.narrow(1, 16, 16) - allDense.narrow(1, 16, 16)).abs().max().item<float>(), 5);
        Assert.True((mixed - allDense).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void A_language_model_with_dense_or_covering_patterns_scores_as_before()
    {
        using var network = new SpecNetwork(ModelZoo.Create("llama-w0.25-d0.5", Tokens, 40));
        network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = randint(0, 40, [2, 32], dtype: ScalarType.Int64);
        var before = network.forward(tokens);
        var attention = network.Spec.Layers.Where(l => l.Op == LayerOp.Attention).Select(l => l.Name).ToList();
        int keyHeads = KeyHeads(network, attention[0]);

        network.Sparsify(attention.ToDictionary(a => a, _ => (IReadOnlyList<HeadPattern>)[.. Enumerable.Repeat(new PageSelectionPattern(8, 32), keyHeads)]));
        Assert.True((network.forward(tokens) - before).abs().max().item<float>() < 1e-4);

        network.Sparsify(attention.ToDictionary(a => a, _ => (IReadOnlyList<HeadPattern>)[.. Enumerable.Repeat(new StreamingPattern(1, 4), keyHeads)]));
        Assert.True((network.forward(tokens) - before).abs().max().item<float>() > 1e-3);
        network.Sparsify(null);
        Assert.True((network.forward(tokens) - before).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void A_pattern_that_does_not_fit_its_layer_is_named()
    {
        using var network = new SpecNetwork(ModelZoo.Create("gpt-w0.25-d0.5", Tokens, 40));
        string attention = network.Spec.Layers.First(l => l.Op == LayerOp.Attention).Name;
        int heads = KeyHeads(network, attention);

        var spatial = Assert.Throws<ModelSpecException>(() => network.Sparsify(new Dictionary<string, IReadOnlyList<HeadPattern>>
        {
            [attention] = [.. Enumerable.Repeat(HeadPattern.Dense, heads - 1), new SpatialPattern()],
        }));
        Assert.Equal($"heads.{attention}[{heads - 1}]", spatial.Field);
        Assert.Contains("non-causal", spatial.Reason, StringComparison.Ordinal);
        var count = Assert.Throws<ModelSpecException>(() => network.Sparsify(new Dictionary<string, IReadOnlyList<HeadPattern>> { [attention] = [HeadPattern.Dense] }));
        Assert.Contains($"1 patterns for {heads} key/value heads", count.Reason, StringComparison.Ordinal);
        var missing = Assert.Throws<ModelSpecException>(() => network.Sparsify(new Dictionary<string, IReadOnlyList<HeadPattern>> { ["block0_q"] = [HeadPattern.Dense] }));
        Assert.Equal("heads.block0_q", missing.Field);
    }

    private static int KeyHeads(SpecNetwork network, string attention)
    {
        int index = network.Spec.Layers.ToList().FindIndex(l => l.Name == attention);
        return network.Analysis[network.Spec.InputsOf(index)[1]].OutputShape.Channels / network.Spec.Layers[index].HeadSize!.Value;
    }
}
