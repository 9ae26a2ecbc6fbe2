using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.Modeling.Tests.Specs;

public class ChannelTieTests
{
    private static readonly InputSpec Mnist = new(1, 28, 28);

    [Fact]
    public void Plain_stacks_have_one_group_per_layer()
    {
        var groups = ModelZoo.Create("lenet5", Mnist, 10).Analyze().ChannelGroups;

        Assert.Equal(["(input)", "conv1", "conv2", "fc1", "fc2", "fc3"], groups.Select(g => g.Producers.FirstOrDefault() ?? "(input)"));
        Assert.Equal(["conv1", "conv2", "fc1", "fc2"], groups.Where(g => g.Prunable).Select(g => g.Producers.Single()));
        Assert.Equal(["fc1"], groups.Single(g => g.Producers.Contains("conv2")).Consumers);
    }

    [Fact]
    public void Residual_joins_tie_every_branch_of_a_stage()
    {
        var groups = ModelZoo.Create("resnet20", Mnist, 10).Analyze().ChannelGroups;

        var stage1 = groups.Single(g => g.Producers.Contains("stem"));
        Assert.Equal(["stem", "s1b1_conv2", "s1b2_conv2", "s1b3_conv2"], stage1.Producers);
        Assert.Contains("s2b1_shortcut", stage1.Consumers);
        Assert.Contains("s2b1_conv1", stage1.Consumers);

        var stage2 = groups.Single(g => g.Producers.Contains("s2b1_shortcut"));
        Assert.Equal(["s2b1_conv2", "s2b1_shortcut", "s2b2_conv2", "s2b3_conv2"], stage2.Producers);
        Assert.True(stage2.Prunable);

        // Each block's first conv is free: only its own conv2 reads it.
        var inner = groups.Single(g => g.Producers.SequenceEqual(["s1b2_conv1"]));
        Assert.Equal(["s1b2_conv2"], inner.Consumers);
        Assert.Equal(3 + 9, groups.Count(g => g.Prunable));
    }

    [Fact]
    public void Depthwise_convs_follow_their_expansion()
    {
        var groups = ModelZoo.Create("mobilenetv2-small", Mnist, 10).Analyze().ChannelGroups;

        var expansion = groups.Single(g => g.Producers.SequenceEqual(["s2b1_expand"]));
        Assert.Equal(["s2b1_dw"], expansion.Followers);
        Assert.Equal(["s2b1_project"], expansion.Consumers);

        var stem = groups.Single(g => g.Producers.Contains("stem"));
        Assert.Equal(["s1b1_dw"], stem.Followers);

        var stage2 = groups.Single(g => g.Producers.Contains("s2b1_project"));
        Assert.Equal(["s2b1_project", "s2b2_project"], stage2.Producers);
    }

    [Fact]
    public void The_input_and_the_class_scores_are_fixed()
    {
        var groups = ModelZoo.Create("vgg-small", Mnist, 10).Analyze().ChannelGroups;

        Assert.Equal("it carries the network input", groups[0].FixedBecause);
        Assert.Equal(1, groups[0].Channels);
        Assert.Equal("it carries the class scores", groups[^1].FixedBecause);
        Assert.All(groups.Skip(1).SkipLast(1), g => Assert.True(g.Prunable));
    }
}
