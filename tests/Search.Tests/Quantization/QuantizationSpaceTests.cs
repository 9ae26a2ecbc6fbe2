using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Pruning;
using AutoDesign.Search.Quantization;

namespace AutoDesign.Search.Tests.Quantization;

public class QuantizationSpaceTests
{
    private static readonly InputSpec Mnist = new(1, 28, 28);

    [Theory]
    [InlineData(0.0, 2)]
    [InlineData(1.0 / 7 - 0.001, 2)]
    [InlineData(1.0 / 7 + 0.001, 3)]
    [InlineData(0.5, 5)]
    [InlineData(0.999, 8)]
    [InlineData(1.0, 8)]
    public void Actions_map_to_equal_buckets_of_bits(double action, int bits)
    {
        Assert.Equal(bits, BitMapping.ToBits(action, 2, 8));
        Assert.Equal(bits, BitMapping.ToBits(BitMapping.ToAction(bits, 2, 8), 2, 8));
    }

    private static QuantizationSpace Space(string model, string metric, double ratio)
    {
        var spec = ModelZoo.Create(model, Mnist, 10);
        var cost = metric switch
        {
            "size" => CostMetric.Size,
            "energy" => CostMetric.Energy(HardwareTargets.Resolve("gpu-a100")),
            _ => CostMetric.Latency(HardwareTargets.Resolve(metric)),
        };
        double budget = ratio * cost.Of(spec, PrecisionPolicy.Uniform(8, 8));
        return new QuantizationSpace(spec, p => cost.Of(spec, p), budget, costCountsActivations: metric != "size");
    }

    [Theory]
    [InlineData("lenet5", "bitfusion", 0.5)]
    [InlineData("resnet20", "bitfusion", 0.3)]
    [InlineData("resnet20", "bismo", 0.5)]
    [InlineData("mobilenetv2-small", "energy", 0.6)]
    [InlineData("vgg-small", "size", 0.4)]
    public void Every_finished_policy_meets_the_budget(string model, string metric, double ratio)
    {
        var space = Space(model, metric, ratio);

        var candidates = new RandomAgent(space, seed: 2).Ask(15).Concat(new UniformAgent(space).Ask(1));

        foreach (var candidate in candidates)
        {
            var policy = space.PolicyFor(candidate.Actions);
            Assert.True(space.Cost(policy) <= space.Budget, $"{space.Cost(policy)} > {space.Budget}");
            Assert.All(space.Fixed, layer => Assert.Equal(new Precision(8, 8), policy.For(layer)));
            Assert.All(space.Layers, layer => Assert.InRange(policy.For(layer).WeightBits, 2, 8));
        }
    }

    [Fact]
    public void An_over_budget_policy_is_lowered_from_the_last_layer_back_activations_first()
    {
        var space = Space("lenet5", "bismo", 0.97);
        var episode = space.Begin();
        for (int step = 0; step < space.Steps; step++) episode.Act(1.0); // 8 bits everywhere: W8A8, over 97 % of it

        var bits = space.PolicyFor(episode.Finish());

        Assert.True(episode.Limited);
        Assert.Equal(["conv2", "fc1", "fc2"], space.Layers);
        Assert.Equal(new Precision(8, 8), bits.For("conv2"));
        Assert.Equal(new Precision(7, 7), bits.For("fc2")); // the last chosen layer's activations go first, then its weights...
        Assert.Equal(new Precision(7, 7), bits.For("fc1")); // ...then the layer before it's, until the policy fits
    }

    [Fact]
    public void A_size_budget_lowers_weight_bits_only()
    {
        var space = Space("lenet5", "size", 0.95);
        var episode = space.Begin();
        for (int step = 0; step < space.Steps; step++) episode.Act(1.0);

        var bits = space.PolicyFor(episode.Finish());

        Assert.True(episode.Limited);
        Assert.All(space.Layers, layer => Assert.Equal(8, bits.For(layer).ActivationBits)); // size counts weights alone
        Assert.Equal(7, bits.For("fc2").WeightBits);
        Assert.True(space.Cost(bits) <= space.Budget);
    }

    [Fact]
    public void Steps_alternate_weights_and_activations_with_normalised_features()
    {
        var space = Space("mobilenetv2-small", "bitfusion", 0.6);
        var episode = space.Begin();
        for (int step = 0; step < space.Steps; step++)
        {
            var state = episode.Observe();
            Assert.Equal(QuantizationSpace.Features, state.Length);
            Assert.All(state, f => Assert.InRange(f, 0f, 1f));
            Assert.Equal(step % 2 == 0 ? 1f : 0f, state[8]);
            episode.Act(0.6);
        }
        Assert.Equal(2 * space.Layers.Count, space.Steps);
    }

    [Fact]
    public void The_fixed_baseline_is_the_widest_uniform_precision_that_fits()
    {
        var space = Space("resnet20", "bitfusion", 0.5);

        var policy = space.PolicyFor(new UniformAgent(space).Ask(1)[0].Actions);

        var chosen = space.Layers.Select(l => policy.For(l)).Distinct().ToList();
        var only = Assert.Single(chosen);
        Assert.Equal(only.WeightBits, only.ActivationBits);
        var wider = space.PolicyOf(space.Layers.Select(_ => (only.WeightBits + 1, only.ActivationBits + 1)).ToArray());
        Assert.True(space.Cost(wider) > space.Budget);
    }

    [Fact]
    public void An_unreachable_budget_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Space("lenet5", "bitfusion", 0.01));
        Assert.Contains("cannot be met", error.Message);
    }
}
