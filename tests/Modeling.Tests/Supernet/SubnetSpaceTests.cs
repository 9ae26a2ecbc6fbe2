using AutoDesign.Modeling.Supernet;

namespace AutoDesign.Modeling.Tests.Supernet;

public sealed class SubnetSpaceTests
{
    private readonly SubnetSpace _space = new(SupernetFixtures.Small);

    [Fact]
    public void Decisions_are_every_block_kernel_and_expansion_then_every_stage_depth()
    {
        var layout = SupernetFixtures.Small;
        Assert.Equal(2 * layout.BlockCount + layout.Stages.Count, _space.Decisions.Count);
        Assert.Equal(new SubnetDecision("s1b1.kernel", [3, 5, 7]).Name, _space.Decisions[0].Name);
        Assert.Equal([3, 5, 7], _space.Decisions[0].Values);
        Assert.Equal("s1b1.expansion", _space.Decisions[1].Name);
        Assert.Equal([3, 4, 6], _space.Decisions[1].Values);
        Assert.Equal("s3b4.expansion", _space.Decisions[2 * layout.BlockCount - 1].Name);
        Assert.Equal("s1.depth", _space.Decisions[2 * layout.BlockCount].Name);
        Assert.Equal([2, 3, 4], _space.Decisions[^1].Values);
    }

    [Fact]
    public void Encoding_and_decoding_are_inverse_and_the_extremes_are_the_ends_of_every_decision()
    {
        var random = new SplitMix64(1);
        for (int i = 0; i < 50; i++)
        {
            var choice = _space.Sample(random);
            Assert.Equal(choice, _space.Decode(_space.Encode(choice)));
        }
        Assert.All(_space.Encode(_space.Smallest), index => Assert.Equal(0, index));
        Assert.All(_space.Encode(_space.Largest).Zip(_space.Decisions), p => Assert.Equal(p.Second.Count - 1, p.First));
    }

    [Fact]
    public void Sampling_is_fixed_by_the_seed_and_stays_in_the_range()
    {
        var a = Enumerable.Range(0, 5).Select(_ => 0).Select(_ => _space.Sample(new SplitMix64(9))).ToList();
        Assert.All(a, c => Assert.Equal(a[0], c));
        var random = new SplitMix64(3);
        var range = new ChoiceRange([3, 5], [6], [4]);
        for (int i = 0; i < 20; i++)
        {
            var choice = _space.Sample(random, range);
            Assert.All(choice.Kernels, k => Assert.Contains(k, new[] { 3, 5 }));
            Assert.All(choice.Expansions, e => Assert.Equal(6, e));
            Assert.All(choice.Depths, d => Assert.Equal(4, d));
        }
        var many = Enumerable.Range(0, 200).Select(_ => _space.Sample(random)).ToList();
        Assert.Equal([2, 3, 4], many.SelectMany(c => c.Depths).Distinct().Order());
        Assert.Equal([3, 5, 7], many.SelectMany(c => c.Kernels).Distinct().Order());
    }

    [Fact]
    public void Bad_choices_are_refused_naming_the_decision()
    {
        var error = Assert.Throws<ArgumentException>(() => _space.Decode(Enumerable.Repeat(0, _space.Decisions.Count - 1).Append(3).ToArray()));
        Assert.Contains("s3.depth", error.Message);
        Assert.Throws<ArgumentException>(() => _space.Decode([0, 1]));
        var choice = _space.Largest;
        Assert.Throws<ArgumentException>(() => _space.Validate(choice with { Kernels = choice.Kernels.Select(_ => 4).ToArray() }));
    }

    [Fact]
    public void Canonical_choices_ignore_the_blocks_a_depth_leaves_out()
    {
        var random = new SplitMix64(5);
        var choice = _space.Sample(random, new ChoiceRange([3, 5, 7], [3, 4, 6], [2]));
        var other = choice with { Kernels = choice.Kernels.Select((k, i) => i % 4 >= 2 ? 7 : k).ToArray() };
        Assert.Equal(_space.Canonical(choice), _space.Canonical(other));
        Assert.Equal(ChoiceFeatures.OneHot(SupernetFixtures.Small, choice), ChoiceFeatures.OneHot(SupernetFixtures.Small, other));
    }

    [Fact]
    public void One_hot_features_mark_one_kernel_and_one_expansion_per_kept_block()
    {
        var layout = SupernetFixtures.Small;
        var choice = _space.Uniform(5, 6, 3);
        var features = ChoiceFeatures.OneHot(layout, choice);
        Assert.Equal(layout.BlockCount * 6, features.Length);
        Assert.Equal(2 * 3 * layout.Stages.Count, features.Sum());
        Assert.Equal([0f, 1f, 0f, 0f, 0f, 1f], features[..6]);
        Assert.All(features[18..24], f => Assert.Equal(0f, f)); // s1b4 is left out
    }

    [Fact]
    public void The_sampling_plan_is_distinct_and_starts_with_the_extremes()
    {
        var plan = AccuracySampling.Plan(_space, 100, seed: 4);
        Assert.Equal(100, plan.Count);
        Assert.Equal(100, plan.Distinct().Count());
        Assert.Equal(_space.Largest, plan[0]);
        Assert.Equal(_space.Canonical(_space.Smallest), plan[1]);
        Assert.Equal(plan, AccuracySampling.Plan(_space, 100, seed: 4));
    }
}
