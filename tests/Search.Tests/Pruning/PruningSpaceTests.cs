using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Pruning;

namespace AutoDesign.Search.Tests.Pruning;

public class PruningSpaceTests
{
    private static readonly InputSpec Mnist = new(1, 28, 28);

    [Theory]
    [InlineData("lenet5", "flops", 0.5)]
    [InlineData("lenet5", "params", 0.3)]
    [InlineData("vgg-small", "flops", 0.3)]
    [InlineData("resnet20", "flops", 0.5)]
    [InlineData("resnet20", "flops", 0.3)]
    [InlineData("resnet20", "params", 0.5)]
    [InlineData("resnet20", "latency", 0.5)]
    [InlineData("mobilenetv2-small", "flops", 0.5)]
    [InlineData("mobilenetv2-small", "flops", 0.3)]
    [InlineData("mobilenetv2-small", "energy", 0.4)]
    [InlineData("mobilenetv3-small", "flops", 0.5)]
    [InlineData("efficientnet-b0-w0.5", "params", 0.5)]
    [InlineData("bottleneck", "flops", 0.5)]
    [InlineData("gpt-w0.5-d0.5", "flops", 0.5)] // heads in whole blocks, MLP channels, the residual stream
    [InlineData("llama-w0.5-d0.5", "params", 0.6)]
    [InlineData("vit-w0.5-d0.5", "flops", 0.5)]
    public void Every_episode_of_every_agent_meets_the_budget_on_the_real_pruned_network(string model, string metricName, double ratio)
    {
        var metric = metricName switch
        {
            "params" => CostMetric.Params,
            "latency" => CostMetric.Latency(HardwareTargets.Resolve("bitfusion")),
            "energy" => CostMetric.Energy(HardwareTargets.Resolve("gpu-jetson-nano")),
            _ => CostMetric.Flops,
        };
        var spec = model == "bottleneck" ? ChannelPrunerTests.Bottleneck()
            : model.StartsWith("gpt", StringComparison.Ordinal) || model.StartsWith("llama", StringComparison.Ordinal) ? ModelZoo.Create(model, InputSpec.Tokens(32, 20), 20)
            : ModelZoo.Create(model, Mnist, 10);
        double budget = ratio * metric.Of(spec);
        var space = new PruningSpace(spec, metric: metric, budget: budget);

        var candidates = new RandomAgent(space, seed: 1).Ask(20).Concat(new UniformAgent(space).Ask(1)).ToList();

        using var network = new SpecNetwork(spec);
        foreach (var candidate in candidates)
        {
            var policy = space.PolicyFor(candidate.Actions);
            using var pruned = ChannelPruner.Prune(network, policy);
            double cost = metric.Of(pruned.Spec);
            Assert.True(cost <= budget, $"{cost:N0} > budget {budget:N0}");
            Assert.Equal(space.Cost([.. space.Groups.Select(g => policy.Keep[PruningPolicy.KeyOf(g)])]), cost);
            Assert.All(candidate.Actions, a => Assert.InRange(a, 0.2 - 1e-9, 1.0));
        }
        // The uniform policy spends most of the budget rather than pruning far more than asked.
        double uniform = metric.Of(space.Narrowed(space.CountsOf(space.PolicyFor(candidates[^1].Actions))));
        Assert.InRange(uniform / budget, 0.75, 1.0);
    }

    [Theory]
    [InlineData(ChannelRounding.Up, 9, 40, 32)]   // AMC: 8.8 -> 9 (every count allowed); 35.2 -> 35 -> 40; 31.7 -> 32
    [InlineData(ChannelRounding.Down, 8, 32, 24)] // 8.8 -> 8; 35.2 -> 32; 31.7 -> 24
    public void Channel_counts_are_rounded_to_multiples_of_eight_where_layers_are_wide(ChannelRounding rounding, int stem, int wide, int nearlyAll)
    {
        var space = new PruningSpace(ModelZoo.Create("resnet20", Mnist, 10), rounding: rounding);
        var groups = space.Groups.Select(PruningPolicy.KeyOf).ToList();
        var episode = space.Begin();
        var actions = groups.Select(g => episode.Act(g.StartsWith("s2", StringComparison.Ordinal) ? 0.99 : 0.55)).ToArray();
        var keep = space.PolicyFor(actions).Keep;

        Assert.Equal(stem, keep["stem"]);          // 16 channels at 0.55
        Assert.Equal(wide, keep["s3b1_conv1"]);    // 64 channels at 0.55
        Assert.Equal(nearlyAll, keep["s2b1_conv1"]); // 32 channels at 0.99
        Assert.False(episode.Limited);
    }

    [Fact]
    public void A_llama_space_cuts_grouped_query_heads_in_whole_key_value_heads_with_their_query_heads()
    {
        var space = new PruningSpace(ModelZoo.Create("llama-w0.5-d0.5", InputSpec.Tokens(32, 20), 20)); // 2 key/value heads of 32, 4 query heads
        var heads = space.Groups.Single(g => PruningPolicy.KeyOf(g) == "block0_k");
        int[] counts = [.. space.Groups.Select(g => g == heads ? 32 : g.Channels)];

        var narrowed = space.Narrowed(counts);

        Assert.Equal(["block0_q", "block0_k", "block0_v"], heads.Producers);
        Assert.Equal(32, space.PolicyFor([.. space.Groups.Select(_ => 0.2)]).Keep["block0_k"]); // one whole head at the lower bound
        Assert.Equal((64, 32), (narrowed.Layer("block0_q").Out, narrowed.Layer("block0_k").Out));
        Assert.Equal(narrowed.Analyze().Macs, space.Cost(counts));
        Assert.True(space.Cost(counts) < space.BaseCost);
    }

    [Fact]
    public void Observations_are_normalised_features_of_each_step()
    {
        var space = new PruningSpace(ModelZoo.Create("mobilenetv2-small", Mnist, 10), budget: 2e6);
        var episode = space.Begin();
        for (int step = 0; step < space.Steps; step++)
        {
            var state = episode.Observe();
            Assert.Equal(PruningSpace.Features, state.Length);
            Assert.All(state, f => Assert.InRange(f, 0f, 1f));
            Assert.Equal(step / (double)(space.Steps - 1), state[0], 5);
            episode.Act(0.5);
        }
        Assert.Equal(space.Steps, episode.Step);
    }

    [Fact]
    public void An_unreachable_budget_is_refused_with_the_smallest_reachable_cost()
    {
        var spec = ModelZoo.Create("lenet5", Mnist, 10);
        var error = Assert.Throws<ArgumentException>(() => new PruningSpace(spec, budget: 0.01 * spec.Analyze().Macs));
        Assert.Contains("cannot be met", error.Message);
        Assert.Contains("lower bound 0.2", error.Message);
    }
}
