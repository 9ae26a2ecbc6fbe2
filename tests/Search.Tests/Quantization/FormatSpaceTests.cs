using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Kinds.Formats;
using AutoDesign.Search.Quantization;

namespace AutoDesign.Search.Tests.Quantization;

/// <summary>The space of serving formats: ladders per layer, actions to rungs, and the walk-back to a memory budget.</summary>
public class FormatSpaceTests
{
    private static readonly ModelSpec Gpt = ModelZoo.Create("gpt", InputSpec.Tokens(128, 97), 97); // 256 wide, MLP 1,024, 4 blocks

    private static readonly IReadOnlyList<ProjectionFormat> Formats =
        [.. new[] { "w4a8-g128", "fp16", "w4a4-svd-r32-g64", "w8a8-smooth", "w4a16-g32" }.Select(ProjectionFormat.Parse)];

    private static readonly IReadOnlyList<KvCacheFormat> Caches = [KvCacheFormat.Parse("kv4-smooth"), KvCacheFormat.Fp16, KvCacheFormat.Parse("kv8")];

    private static FormatSpace Space(double? ratio)
    {
        var cost = new ServingCost(Gpt, ServingCost.Memory, null, context: 1024, batch: 4);
        return new FormatSpace(Gpt, Formats, Caches, cost.Of, cost.Reference, ratio * cost.Of(cost.Reference));
    }

    [Fact]
    public void Each_layer_ranks_its_formats_by_what_it_would_store_and_caches_by_bytes()
    {
        var space = Space(null);
        // q (256 x 256): rank 32 adds 2 x 32 x 512 bytes to 32 KB of 4-bit codes, more than W8A8's 64 KB.
        int q = space.Layers.ToList().IndexOf("block0_q");
        Assert.Equal(["fp16", "w4a4-svd-r32-g64", "w8a8-smooth", "w4a16-g32", "w4a8-g128"], space.Ladder(q));
        // the MLP's down projection (1,024 in): 80 KB of branch and 128 KB of codes are less than W8A8's 256 KB.
        int down = space.Layers.ToList().IndexOf("block0_down");
        Assert.Equal(["fp16", "w8a8-smooth", "w4a4-svd-r32-g64", "w4a16-g32", "w4a8-g128"], space.Ladder(down));
        int attention = space.Layers.ToList().IndexOf("block0_attention");
        Assert.Equal(["kv16", "kv8", "kv4-smooth"], space.Ladder(attention));
        Assert.DoesNotContain("head", space.Layers);
        Assert.Equal(4 * 7, space.Steps); // q, k, v, attention, o, up, down per block
    }

    [Theory]
    [InlineData(1.0, 0)]
    [InlineData(0.8, 0)]
    [InlineData(0.79, 1)]
    [InlineData(0.0, 4)]
    public void Actions_pick_rungs_from_the_top(double action, int rung)
    {
        Assert.Equal(rung, FormatSpace.Rung(action, 5));
        Assert.Equal(rung, FormatSpace.Rung(FormatSpace.ActionOf(rung, 5), 5));
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.75)]
    [InlineData(0.6)]
    public void Every_random_policy_meets_the_memory_budget_and_the_fixed_policy_is_one_rung_everywhere(double ratio)
    {
        var space = Space(ratio);
        var random = new RandomAgent(space, seed: 3).Ask(20);
        Assert.All(random, c => Assert.True(space.Cost(space.PolicyFor(c.Actions)) <= space.Budget!.Value));
        var fixedPolicy = new UniformAgent(space).Ask(1)[0];
        Assert.True(space.Cost(space.PolicyFor(fixedPolicy.Actions)) <= space.Budget!.Value);
        var top = space.PolicyFor([.. Enumerable.Repeat(1.0, space.Steps)]);
        Assert.True(space.Cost(top) > space.Budget!.Value, "the budget binds: everything in FP16 does not fit");
    }

    [Fact]
    public void A_budget_below_the_bottom_rungs_is_refused_and_a_layer_no_format_fits_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => Space(0.5));
        Assert.Contains("cannot be met", error.Message, StringComparison.Ordinal);

        var cost = new ServingCost(Gpt, ServingCost.Memory, null, 1024, 1);
        var misfit = Assert.Throws<ArgumentException>(() => new FormatSpace(Gpt, [ProjectionFormat.Parse("w4a4-svd-r512-g64")], [], cost.Of, cost.Reference));
        Assert.Contains("block0_q", misfit.Message, StringComparison.Ordinal);
        Assert.Contains("rank 512 is above", misfit.Message, StringComparison.Ordinal);
    }
}
