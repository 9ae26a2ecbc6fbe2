using AutoDesign.Modeling.Supernet;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Supernet;

public sealed class ElasticOperatorTests
{
    [Fact]
    public void Every_kernel_expansion_and_depth_gives_class_scores_and_the_expected_block_shapes()
    {
        var layout = SupernetFixtures.Small;
        using var network = SupernetFixtures.Randomized(layout, 1);
        using var scope = NewDisposeScope();
        var input = randn(2, 1, 28, 28);
        foreach (var kernel in layout.Kernels)
            foreach (var expansion in layout.Expansions)
                foreach (var depth in layout.Depths)
                {
                    network.Select(network.Space.Uniform(kernel, expansion, depth));
                    Assert.Equal(new long[] { 2, 10 }, network.forward(input).shape);
                    var block = network.Block(1, 1);
                    var hidden = block.InChannels * expansion;
                    Assert.Equal(new long[] { hidden, 1, kernel, kernel }, block.Depthwise.Filters(kernel, hidden).shape);
                    Assert.Equal(new long[] { 2, 32, 7, 7 }, block.forward(randn(2, 32, 7, 7)).shape);
                }
    }

    [Fact]
    public void Depth_leaves_out_the_last_blocks_of_each_stage()
    {
        using var network = SupernetFixtures.Randomized(SupernetFixtures.Tiny, 2);
        using var scope = NewDisposeScope();
        var input = randn(2, 1, 28, 28);
        var choice = network.Space.Uniform(5, 4, 2);
        network.Select(choice);
        var shallow = network.forward(input);

        // Changing a block the depth leaves out changes nothing; changing a kept one does.
        using (no_grad()) network.Block(0, 2).ProjectWeight.add_(1);
        Assert.True(network.forward(input).allclose(shallow));
        using (no_grad()) network.Block(0, 1).ProjectWeight.add_(1);
        Assert.False(network.forward(input).allclose(shallow));
    }

    [Fact]
    public void An_untrained_smaller_kernel_is_the_centre_of_the_larger_one()
    {
        using var kernel = new ElasticKernel("dw", 6, [3, 5, 7]);
        using var scope = NewDisposeScope();
        var full = kernel.Weight;

        Assert.True(kernel.Filters(7, 6).allclose(full, rtol: 0, atol: 0));
        Assert.True(kernel.Filters(5, 6).allclose(full.narrow(2, 1, 5).narrow(3, 1, 5)));
        Assert.True(kernel.Filters(3, 4).allclose(full.narrow(0, 0, 4).narrow(2, 2, 3).narrow(3, 2, 3)));
    }

    [Fact]
    public void A_smaller_kernel_is_the_transformed_centre_of_the_next_larger_one()
    {
        manual_seed(3);
        using var kernel = new ElasticKernel("dw", 4, [3, 5, 7]);
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            kernel.Transform(7, 5).copy_(randn(25, 25));
            kernel.Transform(5, 3).copy_(randn(9, 9));
        }
        var full = kernel.Weight.detach();

        var five = full.narrow(2, 1, 5).narrow(3, 1, 5).reshape(4, 25).matmul(kernel.Transform(7, 5).detach().t()).reshape(4, 1, 5, 5);
        var three = five.narrow(2, 1, 3).narrow(3, 1, 3).reshape(4, 9).matmul(kernel.Transform(5, 3).detach().t()).reshape(4, 1, 3, 3);

        Assert.True(kernel.Filters(5, 4).allclose(five, rtol: 1e-4, atol: 1e-5));
        Assert.True(kernel.Filters(3, 4).allclose(three, rtol: 1e-4, atol: 1e-5));
        Assert.Throws<ArgumentException>(() => kernel.Transform(7, 3));
    }

    [Fact]
    public void Weights_are_shared_the_outer_ring_of_the_largest_kernel_reaches_only_the_largest()
    {
        using var network = SupernetFixtures.Randomized(SupernetFixtures.Tiny, 4);
        using var scope = NewDisposeScope();
        var input = randn(2, 1, 28, 28);
        var seven = network.Space.Uniform(7, 6, 4);
        var three = network.Space.Uniform(3, 6, 4);
        network.Select(seven);
        var sevenBefore = network.forward(input);
        network.Select(three);
        var threeBefore = network.forward(input);

        using (no_grad()) network.Block(0, 1).Depthwise.Weight.narrow(2, 0, 1).add_(1); // the top row: only in 7x7
        network.Select(three);
        Assert.True(network.forward(input).allclose(threeBefore));
        network.Select(seven);
        Assert.False(network.forward(input).allclose(sevenBefore));

        using (no_grad()) network.Block(0, 1).Depthwise.Weight.narrow(2, 3, 1).narrow(3, 3, 1).add_(1); // the centre: in every size
        network.Select(three);
        Assert.False(network.forward(input).allclose(threeBefore));
    }

    [Fact]
    public void A_narrower_expansion_uses_the_first_hidden_channels_only()
    {
        using var network = SupernetFixtures.Randomized(SupernetFixtures.Tiny, 5);
        using var scope = NewDisposeScope();
        var input = randn(2, 1, 28, 28);
        var narrow = network.Space.Uniform(5, 3, 4);
        network.Select(narrow);
        var before = network.forward(input);
        var block = network.Block(1, 0);
        int used = block.InChannels * 3;

        using (no_grad()) block.ExpandWeight.narrow(0, used, block.ExpandWeight.shape[0] - used).add_(1);
        Assert.True(network.forward(input).allclose(before));
        using (no_grad()) block.ExpandWeight.narrow(0, used - 1, 1).add_(1);
        Assert.False(network.forward(input).allclose(before));
    }

    [Fact]
    public void Training_a_narrow_sub_network_updates_the_running_statistics_of_its_channels_only()
    {
        using var network = SupernetFixtures.Randomized(SupernetFixtures.Tiny, 6);
        using var scope = NewDisposeScope();
        var norm = network.Block(1, 1).ExpandNorm;
        int used = network.Block(1, 1).InChannels * 3;
        var before = norm.running_mean!.clone();
        network.Select(network.Space.Uniform(3, 3, 4));
        network.train();
        network.forward(randn(8, 1, 28, 28) * 3 + 1);

        Assert.False(norm.running_mean!.narrow(0, 0, used).allclose(before.narrow(0, 0, used)));
        Assert.True(norm.running_mean!.narrow(0, used, before.shape[0] - used).allclose(before.narrow(0, used, before.shape[0] - used), rtol: 0, atol: 0));
    }

    [Fact]
    public void Sorting_hidden_channels_keeps_the_full_network_function_and_puts_the_important_channels_first()
    {
        using var network = SupernetFixtures.Randomized(SupernetFixtures.Small, 7);
        using var scope = NewDisposeScope();
        var input = randn(4, 1, 28, 28);
        network.Select(network.Space.Largest);
        var before = network.forward(input);

        network.SortHiddenChannels();

        Assert.True(network.forward(input).allclose(before, rtol: 1e-4, atol: 1e-5));
        var importance = network.Block(2, 1).ProjectWeight.abs().sum([0, 2, 3]);
        Assert.True((importance.narrow(0, 0, importance.shape[0] - 1) >= importance.narrow(0, 1, importance.shape[0] - 1)).all().item<bool>());
    }

    [Fact]
    public void A_banded_sort_keeps_the_channels_a_narrower_expansion_trained_in_front_and_sorts_each_band_within_itself()
    {
        using var network = SupernetFixtures.Randomized(SupernetFixtures.Small, 9);
        using var scope = NewDisposeScope();
        var block = network.Block(1, 2);
        int kept = block.InChannels * 4, all = block.InChannels * 6;
        var front = block.ProjectWeight.narrow(1, 0, kept).abs().sum([0, 2, 3]).sort(descending: true).Values;
        var back = block.ProjectWeight.narrow(1, kept, all - kept).abs().sum([0, 2, 3]).sort(descending: true).Values;
        var input = randn(4, 1, 28, 28);
        network.Select(network.Space.Largest);
        var before = network.forward(input);

        network.SortHiddenChannels([4]);

        var importance = block.ProjectWeight.abs().sum([0, 2, 3]);
        Assert.True(importance.narrow(0, 0, kept).allclose(front), "the first 4x channels are the ones that were there, most important first");
        Assert.True(importance.narrow(0, kept, all - kept).allclose(back), "the rest follow, most important first");
        Assert.True(importance.narrow(0, kept, all - kept).max().item<float>() > importance.narrow(0, 0, kept).min().item<float>(),
            "a plain sort would have mixed the bands (this seed's weights must show it)");
        Assert.True(network.forward(input).allclose(before, rtol: 1e-4, atol: 1e-5));
    }
}
