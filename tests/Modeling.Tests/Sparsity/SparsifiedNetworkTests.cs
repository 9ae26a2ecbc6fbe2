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

    [Fact]
    public void Patterns_in_the_spec_are_counted_and_run_as_the_same_patterns_set_at_run_time()
    {
        var spec = ModelZoo.Create("gpt-w0.25-d0.5", Tokens, 40);
        int index = spec.Layers.ToList().FindIndex(l => l.Op == LayerOp.Attention);
        var dense = spec.Analyze();
        int heads = dense.Layers[index].InChannels / spec.Layers[index].HeadSize!.Value;
        string[] names = [.. Enumerable.Range(0, heads).Select(h => h % 2 == 0 ? "streaming-s2-w6" : "dense")];
        var sparse = spec with { Layers = [.. spec.Layers.Select((l, i) => i == index ? l with { Heads = names } : l)] };

        // Half the heads read min(t + 1, 8) keys at position t instead of t + 1.
        double streamingPairs = Enumerable.Range(0, 32).Sum(t => Math.Min(t + 1, 8)), densePairs = 32 * 33 / 2;
        long expected = dense.Layers[index].Macs / 2 + (long)Math.Round(dense.Layers[index].Macs / 2.0 * streamingPairs / densePairs);
        Assert.Equal(expected, sparse.Analyze().Layers[index].Macs);
        Assert.Equal(sparse.ContentHash(), ModelSpecJson.Deserialize(ModelSpecJson.Serialize(sparse)).ContentHash());
        Assert.DoesNotContain("heads", ModelSpecJson.Serialize(spec), StringComparison.Ordinal); // a dense spec's hash is as before

        using var fromSpec = new SpecNetwork(sparse);
        using var atRunTime = new SpecNetwork(spec);
        atRunTime.load_state_dict(fromSpec.state_dict());
        atRunTime.Sparsify(new Dictionary<string, IReadOnlyList<HeadPattern>> { [spec.Layers[index].Name] = [.. names.Select(HeadPattern.Parse)] });
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        fromSpec.eval();
        atRunTime.eval();
        var tokens = randint(0, 40, [2, 32], dtype: ScalarType.Int64);
        Assert.Equal(0, (fromSpec.forward(tokens) - atRunTime.forward(tokens)).abs().max().item<float>(), 6);
    }

    [Theory]
    [InlineData("sliding", "heads[0]", "not an attention pattern")]
    [InlineData("pages-p5-b10", "heads[0]", "does not divide the context of 32")]
    public void A_bad_pattern_in_the_spec_is_named_by_layer_and_head(string name, string field, string reason)
    {
        var spec = ModelZoo.Create("gpt-w0.25-d0.5", Tokens, 40);
        int index = spec.Layers.ToList().FindIndex(l => l.Op == LayerOp.Attention);
        int heads = spec.Analyze().Layers[index].InChannels / spec.Layers[index].HeadSize!.Value;
        var bad = spec with { Layers = [.. spec.Layers.Select((l, i) => i == index ? l with { Heads = [name, .. Enumerable.Repeat("dense", heads - 1)] } : l)] };

        var error = Assert.Throws<ModelSpecException>(() => bad.Analyze());
        Assert.Equal($"layers[{index}].{field}", error.Field);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        var count = Assert.Throws<ModelSpecException>(() => (spec with { Layers = [.. spec.Layers.Select((l, i) => i == index ? l with { Heads = ["dense"] } : l)] }).Analyze());
        Assert.Equal($"layers[{index}].heads", count.Field);
        var misplaced = Assert.Throws<ModelSpecException>(() => (spec with { Layers = [.. spec.Layers.Select((l, i) => i == 0 ? l with { Heads = ["dense"] } : l)] }).Analyze());
        Assert.Equal("layers[0].heads", misplaced.Field);
    }

    private static int KeyHeads(SpecNetwork network, string attention)
    {
        int index = network.Spec.Layers.ToList().FindIndex(l => l.Name == attention);
        return network.Analysis[network.Spec.InputsOf(index)[1]].OutputShape.Channels / network.Spec.Layers[index].HeadSize!.Value;
    }
}
