using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Sparsity;

/// <summary>Sparse VideoGen's online profiling picks, per head, the pattern whose output is closer to full attention.</summary>
public class OnlineProfilingTests
{
    private const int Frames = 4, Places = 4, Size = 8;

    // Queries and keys that point the same way where the key is at the query's place (temporal) or in its frame
    // (spatial), so full attention itself reads (almost) only those keys.
    private static (Tensor Q, Tensor K) Constructed(bool temporal)
    {
        var q = zeros(1, 1, Frames * Places, Size);
        for (int p = 0; p < Frames * Places; p++) q[0, 0, p, temporal ? p % Places : Places + p / Places] = tensor(1f);
        return (q, q * 20);
    }

    [Fact]
    public void A_head_whose_full_attention_is_temporal_gets_temporal_and_one_that_is_spatial_gets_spatial()
    {
        var (tq, tk) = Constructed(temporal: true);
        var (sq, sk) = Constructed(temporal: false);
        manual_seed(4);
        // Two key/value heads, each read by two query heads: 0 and 1 temporal, 2 and 3 spatial.
        var q = cat([tq, tq, sq, sq], 1);
        var k = cat([tk, tk, sk, sk], 1);
        var v = randn(1, 2, Frames * Places, Size).repeat_interleave(2, dim: 1);

        var errors = OnlineProfiling.Errors(q, k, v, [.. Enumerable.Range(0, 16)], Frames, Places);
        Assert.True(errors[1, 0].item<float>() < 1e-4 && errors[0, 0].item<float>() > 1e-2, "head 0: temporal matches full, spatial does not");
        Assert.True(errors[0, 2].item<float>() < 1e-4 && errors[1, 2].item<float>() > 1e-2, "head 2: spatial matches full, temporal does not");

        var chosen = new OnlineProfiling(samples: 6).Choose("attention", q, k, v, share: 2, Frames, Places, causal: false);
        Assert.Equal<HeadPattern>([new TemporalPattern(), new SpatialPattern()], chosen);
    }

    [Fact]
    public void An_online_pass_runs_the_patterns_it_chose_and_they_make_a_policy()
    {
        var clip = InputSpec.Video(3, 16, 4);
        using var network = new SpecNetwork(ModelZoo.Create("video-transformer-d0.5", clip, 16));
        network.eval();
        using var noGrad = no_grad();
        manual_seed(5);
        var input = rand(1, 16, 3, 16);
        var dense = network.forward(input);
        var profiling = new OnlineProfiling(samples: 8, seed: 3);

        network.ChooseHeadsOnline(profiling);
        var online = network.forward(input);
        network.ChooseHeadsOnline(null);
        var policy = new Dictionary<string, IReadOnlyList<HeadPattern>>(profiling.Chosen);
        network.Sparsify(policy);

        Assert.Equal(2, policy.Count);
        Assert.All(policy.Values, heads => Assert.All(heads, h => Assert.True(h is SpatialPattern or TemporalPattern)));
        Assert.Equal(4, policy.Values.First().Count);
        Assert.True((network.forward(input) - online).abs().max().item<float>() < 1e-6);
        Assert.True((online - dense).abs().max().item<float>() > 1e-5);
        network.Sparsify(null);
        Assert.True((network.forward(input) - dense).abs().max().item<float>() < 1e-6, "profiling leaves the network's own patterns as they were");
        Assert.Equal(policy.Keys.Order(), profiling.Profile(network, input).Keys.Order());
    }

    [Fact]
    public void Causal_layers_keep_every_head_dense_and_bad_settings_are_named()
    {
        using var network = new SpecNetwork(ModelZoo.Create("gpt-w0.25-d0.5", InputSpec.Tokens(16, 40), 40));
        network.eval();
        var tokens = randint(0, 40, [1, 16], dtype: ScalarType.Int64);
        var policy = new OnlineProfiling().Profile(network, tokens);
        Assert.All(policy.Values.SelectMany(p => p), h => Assert.Equal(HeadPattern.Dense, h));
        Assert.Equal("samples", Assert.Throws<ArgumentException>(() => new OnlineProfiling(samples: 0)).ParamName);
    }
}
