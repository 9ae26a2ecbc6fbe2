using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using AutoDesign.Search.Pruning;
using Google.Protobuf;
using static TorchSharp.torch;

namespace AutoDesign.Search.Tests.Pruning;

public class ChannelPrunerTests
{
    private static readonly InputSpec Mnist = new(1, 28, 28);

    private static SpecNetwork Network(string name) => Network(ModelZoo.Create(name, Mnist, 10));

    private static SpecNetwork Network(ModelSpec spec)
    {
        manual_seed(11);
        var network = new SpecNetwork(spec);
        using (no_grad())
            foreach (var (key, buffer) in network.named_buffers())
                if (key.EndsWith("running_var", StringComparison.Ordinal)) buffer.uniform_(0.5, 2.0); // non-trivial statistics
        network.eval();
        return network;
    }

    /// <summary>Makes the given channels of a group carry exact zeros everywhere, so removing them cannot change the output.</summary>
    private static void Silence(SpecNetwork network, ChannelGroup group, long[] channels)
    {
        using var noGrad = no_grad();
        var state = network.state_dict();
        var index = tensor(channels);
        foreach (var layer in group.Producers.Concat(group.Followers))
            foreach (var suffix in new[] { ".conv.weight", ".conv.bias", ".bn.weight", ".bn.bias", ".fc.weight", ".fc.bias" })
                if (state.TryGetValue(layer + suffix, out var t)) t.index_fill_(0, index, 0);
        foreach (var layer in group.Producers.Concat(group.Followers))
            if (state.TryGetValue(layer + ".bn.running_mean", out var mean)) mean.index_fill_(0, index, 0);
    }

    [Theory]
    [InlineData("lenet5", "conv2")]        // a conv read by a linear layer through flattening
    [InlineData("lenet5", "fc1")]          // a linear layer
    [InlineData("vgg-small-w0.5", "conv2_1")]
    [InlineData("resnet20-w0.5", "stem")]  // a residual group: stem and every stage-1 block output
    [InlineData("resnet20-w0.5", "s2b1_conv2")] // a group whose producers include a shortcut conv
    [InlineData("resnet20-w0.5", "s3b2_conv1")]
    [InlineData("mobilenetv2-small-w0.5", "s2b1_expand")] // an expansion followed by its depthwise conv
    [InlineData("mobilenetv2-small-w0.5", "s2b1_project")] // a projection tied by an identity shortcut
    [InlineData("mobilenetv3-small-w0.5", "b4_expand")]     // an expansion, its depthwise conv and the excite layer of its gate
    [InlineData("mobilenetv3-small-w0.5", "b4_se_squeeze")] // the squeeze of a squeeze-and-excitation gate
    [InlineData("efficientnet-b0-w0.5", "s2b1_expand")]
    public void Removing_silent_channels_leaves_the_output_unchanged(string model, string groupKey)
    {
        using var network = Network(model);
        var group = network.Analysis.ChannelGroups.Single(g => g.Prunable && PruningPolicy.KeyOf(g) == groupKey);
        long[] silent = [.. Enumerable.Range(0, group.Channels).Where(c => c % 3 == 1).Select(c => (long)c)];
        Silence(network, group, silent);
        using var scope = NewDisposeScope();
        var input = randn(4, 1, 28, 28);
        var expected = network.forward(input);

        using var pruned = ChannelPruner.Prune(network, new PruningPolicy(new Dictionary<string, int> { [groupKey] = group.Channels - silent.Length }));
        pruned.eval();
        var actual = pruned.forward(input);

        float scale = expected.abs().max().item<float>(), difference = (actual - expected).abs().max().item<float>();
        Assert.True(difference <= 1e-5 * scale, $"max difference {difference} at output scale {scale}");
        var prunedGroup = pruned.Analysis.ChannelGroups.Single(g => g.Prunable && PruningPolicy.KeyOf(g) == groupKey);
        Assert.Equal(group.Channels - silent.Length, prunedGroup.Channels);
        Assert.All(group.Producers, p => Assert.Equal(prunedGroup.Channels, pruned.Analysis[p].OutChannels));
    }

    [Theory]
    [InlineData("gpt-w0.5-d0.5", "block0_q", new long[] { 32, 33, 62, 63, 96, 127 }, 64)] // heads 1 and 3 of 4 (32 channels each): whole heads go
    [InlineData("gpt-w0.5-d0.5", "block1_up", new long[] { 1, 4, 7, 300 }, 508)]
    [InlineData("llama-w0.5-d0.5", "block0_gate", new long[] { 0, 5, 200 }, 381)] // gate and up, tied by the gated product
    public void Removing_silent_heads_and_mlp_channels_leaves_a_language_models_scores_unchanged(string model, string groupKey, long[] silent, int keep)
    {
        using var network = Network(ModelZoo.Create(model, InputSpec.Tokens(16, 20), 20));
        var group = network.Analysis.ChannelGroups.Single(g => g.Prunable && PruningPolicy.KeyOf(g) == groupKey);
        long[] channels = group.Block > 1 // a silent channel silences its head
            ? [.. silent.Select(c => c / group.Block).Distinct().SelectMany(h => Enumerable.Range((int)h * group.Block, group.Block).Select(c => (long)c))]
            : silent;
        Silence(network, group, channels);
        using var scope = NewDisposeScope();
        var tokens = randint(0, 20, [3, 1, 1, 16], dtype: ScalarType.Int64);
        var expected = network.forward(tokens);

        using var pruned = ChannelPruner.Prune(network, new PruningPolicy(new Dictionary<string, int> { [groupKey] = keep }));
        pruned.eval();
        var actual = pruned.forward(tokens);

        Assert.Equal(group.Channels - channels.Length, keep);
        float scale = expected.abs().max().item<float>(), difference = (actual - expected).abs().max().item<float>();
        Assert.True(difference <= 1e-5 * scale, $"max difference {difference} at output scale {scale}");
        Assert.All(group.Producers, p => Assert.Equal(keep, pruned.Analysis[p].OutChannels));
        if (group.Block > 1) // three heads of four, where two are tied at zero: still whole heads
        {
            var kept = ChannelPruner.PrunedState(network, new PruningPolicy(new Dictionary<string, int> { [groupKey] = 3 * group.Block })).Kept[groupKey];
            Assert.All(kept.Chunk(group.Block), head => Assert.Equal(Enumerable.Range((int)head[0], group.Block).Select(c => (long)c), head));
            Assert.All(kept.Chunk(group.Block), head => Assert.Equal(0, head[0] % group.Block));
        }
    }

    // Width 128: query heads 0-1 (channels 0-63) read key/value head 0 (channels 0-31), query heads 2-3 head 1.
    private static ModelSpec GroupedQueryModel(bool queryPositions) => queryPositions
        ? new ModelSpec
        {
            Name = "query-positions", Input = InputSpec.Tokens(16, 20), Classes = 20,
            Layers =
            [
                new LayerSpec { Name = "tokens", Op = LayerOp.Embedding, Out = 128 },
                new LayerSpec { Name = "block0_q", Op = LayerOp.Projection, Out = 128, Inputs = ["tokens"] },
                new LayerSpec { Name = "block0_qpositions", Op = LayerOp.PositionEmbedding }, // a follower as wide as the queries
                new LayerSpec { Name = "block0_k", Op = LayerOp.Projection, Out = 64, Inputs = ["tokens"] },
                new LayerSpec { Name = "block0_v", Op = LayerOp.Projection, Out = 64, Inputs = ["tokens"] },
                new LayerSpec { Name = "block0_attention", Op = LayerOp.Attention, Inputs = ["block0_qpositions", "block0_k", "block0_v"], HeadSize = 32, Causal = true, Rotary = true },
                new LayerSpec { Name = "block0_o", Op = LayerOp.Projection, Out = 128 },
                new LayerSpec { Name = "add", Op = LayerOp.Add, Inputs = ["tokens", "block0_o"] },
                new LayerSpec { Name = "head", Op = LayerOp.Projection, Out = 20 },
            ],
        }
        : ModelZoo.Create("llama-w0.25-d0.5", InputSpec.Tokens(16, 20), 20);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_pruned_key_value_head_goes_with_its_query_heads_and_the_most_important_one_stays(bool queryPositions)
    {
        using var network = Network(GroupedQueryModel(queryPositions));
        var state = network.state_dict();
        using (no_grad())
        {
            state["block0_v.fc.weight"][..32].zero_(); // key/value head 0 carries no values: its query heads add nothing
            state["block0_v.fc.bias"][..32].zero_();
            state["block0_k.fc.weight"][..32].mul_(4); // head 0 has the larger keys, head 1 the larger queries (query heads 2, 3),
            state["block0_q.fc.weight"][64..].mul_(4); // and the queries count twice as many channels
            if (queryPositions) state["block0_qpositions.weight"].normal_(0, 1);
        }
        using var scope = NewDisposeScope();
        var tokens = randint(0, 20, [3, 1, 1, 16], dtype: ScalarType.Int64);
        var expected = network.forward(tokens);

        var (pruned, kept) = ChannelPruner.PruneKeepingIndices(network, new PruningPolicy(new Dictionary<string, int> { ["block0_k"] = 32 }));
        using (pruned)
        {
            pruned.eval();
            var actual = pruned.forward(tokens);

            Assert.Equal(Enumerable.Range(32, 32).Select(c => (long)c), kept["block0_k"]);
            var layers = pruned.Analysis;
            Assert.Equal((64, 32, 32, 64), (layers["block0_q"].OutChannels, layers["block0_k"].OutChannels, layers["block0_v"].OutChannels, layers["block0_o"].InChannels));
            Assert.Equal(layers.Params, pruned.parameters().Sum(p => p.numel()));
            float scale = expected.abs().max().item<float>(), difference = (actual - expected).abs().max().item<float>();
            Assert.True(difference <= 1e-5 * scale, $"max difference {difference} at output scale {scale}");
        }
    }

    [Fact]
    public void Ranked_by_the_output_projection_a_key_value_head_counts_the_columns_of_the_query_heads_that_read_it()
    {
        using var network = Network(GroupedQueryModel(queryPositions: false));
        var group = network.Analysis.ChannelGroups.Single(g => g.Prunable && PruningPolicy.KeyOf(g) == "block0_k");
        var state = network.state_dict();
        long[] Kept() => ChannelPruner.KeptChannels(group, state, 32, FilterImportance.NextLayer, network.Analysis).data<long>().ToArray();

        using (no_grad()) state["block0_o.fc.weight"][.., 32..64].mul_(10); // query head 1 reads key/value head 0
        Assert.Equal(Enumerable.Range(0, 32).Select(c => (long)c), Kept());
        using (no_grad()) state["block0_o.fc.weight"][.., 96..].mul_(100); // query head 3 reads head 1
        Assert.Equal(Enumerable.Range(32, 32).Select(c => (long)c), Kept());
    }

    [Fact]
    public void A_later_group_is_ranked_by_the_input_channels_that_remain()
    {
        using var network = Network("lenet5");
        var groups = network.Analysis.ChannelGroups.Where(g => g.Prunable).ToDictionary(PruningPolicy.KeyOf);
        using var scope = NewDisposeScope();
        var state = new Dictionary<string, Tensor>(network.state_dict());
        var first = ChannelPruner.KeptChannels(groups["conv1"], state, 3, FilterImportance.L1, network.Analysis);
        var everyInput = ChannelPruner.KeptChannels(groups["conv2"], state, 8, FilterImportance.L1, network.Analysis).data<long>().ToArray();
        state["conv2.conv.weight"] = state["conv2.conv.weight"].index_select(1, first);
        var remainingInputs = ChannelPruner.KeptChannels(groups["conv2"], state, 8, FilterImportance.L1, network.Analysis).data<long>().ToArray();
        Assert.NotEqual(everyInput, remainingInputs); // the two rankings differ for this network, so the test can tell them apart

        var (pruned, kept) = ChannelPruner.PruneKeepingIndices(network, new PruningPolicy(new Dictionary<string, int> { ["conv1"] = 3, ["conv2"] = 8 }));
        pruned.Dispose();

        Assert.Equal(remainingInputs, kept["conv2"]);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void A_concat_reader_loses_exactly_the_pruned_range_of_its_input(string groupKey)
    {
        using var network = Network(new ModelSpec
        {
            Name = "branches",
            Input = Mnist,
            Classes = 10,
            Layers =
            [
                new LayerSpec { Name = "a", Op = LayerOp.Conv, Out = 8, Kernel = 3, Stride = 2, BatchNorm = true, Activation = Activation.Relu, Inputs = [] },
                new LayerSpec { Name = "b", Op = LayerOp.Conv, Out = 12, Kernel = 5, Padding = 2, Stride = 2, Activation = Activation.Relu, Inputs = [] },
                new LayerSpec { Name = "joined", Op = LayerOp.Concat, Inputs = ["a", "b"] },
                new LayerSpec { Name = "dw", Op = LayerOp.DepthwiseConv, Kernel = 3, BatchNorm = true, Activation = Activation.Relu },
                new LayerSpec { Name = "c", Op = LayerOp.Conv, Out = 16, Kernel = 3, Activation = Activation.Relu },
                new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 10, Inputs = ["joined"] },
                new LayerSpec { Name = "sum", Op = LayerOp.Add, Inputs = ["fc", "fc"] },
            ],
        });
        var group = network.Analysis.ChannelGroups.Single(g => g.Prunable && PruningPolicy.KeyOf(g) == groupKey);
        long[] silent = [0, 3, 5];
        Silence(network, group, silent);
        using var scope = NewDisposeScope();
        var input = randn(4, 1, 28, 28);
        var expected = network.forward(input);

        using var pruned = ChannelPruner.Prune(network, new PruningPolicy(new Dictionary<string, int> { [groupKey] = group.Channels - silent.Length }));
        pruned.eval();

        float scale = expected.abs().max().item<float>(), difference = (pruned.forward(input) - expected).abs().max().item<float>();
        Assert.True(difference <= 1e-5 * scale, $"max difference {difference} at output scale {scale}");
        Assert.Equal(20 - silent.Length, pruned.Analysis["dw"].OutChannels);
    }

    // A RegNet/ResNeXt-style bottleneck: 1x1 conv, 3x3 conv in groups of 4 channels, 1x1 conv, residual.
    internal static ModelSpec Bottleneck() => new()
    {
        Name = "bottleneck",
        Input = Mnist,
        Classes = 10,
        Layers =
        [
            new LayerSpec { Name = "stem", Op = LayerOp.Conv, Out = 16, Kernel = 3, Stride = 2, BatchNorm = true, Activation = Activation.Relu },
            new LayerSpec { Name = "reduce", Op = LayerOp.Conv, Out = 24, Kernel = 1, BatchNorm = true, Activation = Activation.Relu },
            new LayerSpec { Name = "grouped", Op = LayerOp.Conv, Out = 24, Kernel = 3, Groups = 6, BatchNorm = true, Activation = Activation.Relu },
            new LayerSpec { Name = "expand", Op = LayerOp.Conv, Out = 16, Kernel = 1, BatchNorm = true },
            new LayerSpec { Name = "sum", Op = LayerOp.Add, Inputs = ["expand", "stem"], Activation = Activation.Relu },
            new LayerSpec { Name = "gap", Op = LayerOp.GlobalAvgPool },
            new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 10 },
        ],
    };

    [Fact]
    public void A_grouped_conv_loses_whole_groups_and_the_output_is_unchanged_when_they_were_silent()
    {
        using var network = Network(Bottleneck());
        var group = network.Analysis.ChannelGroups.Single(g => g.Producers.Contains("reduce"));
        Assert.Equal(4, group.Block);
        Assert.Equal(["grouped"], group.Followers);
        long[] silent = [4, 5, 6, 7, 16, 17, 18, 19]; // groups 1 and 4 of the grouped conv
        Silence(network, group, silent);
        using var scope = NewDisposeScope();
        var input = randn(4, 1, 28, 28);
        var expected = network.forward(input);

        using var pruned = ChannelPruner.Prune(network, new PruningPolicy(new Dictionary<string, int> { ["reduce"] = 16 }));
        pruned.eval();

        float scale = expected.abs().max().item<float>(), difference = (pruned.forward(input) - expected).abs().max().item<float>();
        Assert.True(difference <= 1e-5 * scale, $"max difference {difference} at output scale {scale}");
        Assert.Equal(4, pruned.Spec.Layer("grouped").Groups);
        Assert.Equal(16, pruned.Analysis["grouped"].OutChannels);
        var error = Assert.Throws<ArgumentException>(() => new PruningPolicy(new Dictionary<string, int> { ["reduce"] = 18 }).ApplyTo(network.Spec));
        Assert.Contains("whole blocks of 4", error.Message);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(4)] // one group left: the grouped conv is then a dense one
    public void The_least_squares_refit_leaves_grouped_convs_alone_and_refits_what_reads_them(int keep)
    {
        using var network = Network(Bottleneck());
        using var scope = NewDisposeScope();
        var images = randn(64, 1, 28, 28);
        using var refit = new LeastSquaresRefit(network, images);
        var (pruned, kept) = ChannelPruner.PruneKeepingIndices(network, new PruningPolicy(new Dictionary<string, int> { ["reduce"] = keep }));
        using (pruned)
        {
            var grouped = pruned.state_dict()["grouped.conv.weight"].clone();

            refit.Apply(network, pruned, kept);

            Assert.Equal(0f, (pruned.state_dict()["grouped.conv.weight"] - grouped).abs().max().item<float>());
            Assert.Equal(new long[] { 64, 10 }, pruned.forward(images).shape);
        }
    }

    [Theory]
    [InlineData("mobilenetv3-small")]
    [InlineData("efficientnet-b0-w0.5")]
    public void An_imported_mobilenetv3_or_efficientnet_prunes_to_a_smaller_network_that_runs(string model)
    {
        using var original = Network(ModelZoo.Create(model, new InputSpec(3, 32, 32), 10));
        var file = HardwareProfiler.Onnx.OnnxExporter.Export(original).ToByteArray();
        using var network = Modeling.Import.OnnxImporter.Import(file, "imported").CreateNetwork();
        var keep = network.Analysis.ChannelGroups.Where(g => g.Prunable).ToDictionary(PruningPolicy.KeyOf, g => g.Snap(g.Channels / 2.0));
        Assert.Contains(network.Analysis.ChannelGroups, g => g.Prunable && g.Producers.Count(p => network.Spec.Layer(p).Activation is Activation.HardSigmoid or Activation.Sigmoid) == 1);

        using var pruned = ChannelPruner.Prune(network, new PruningPolicy(keep));
        using var scope = NewDisposeScope();

        Assert.Equal(new long[] { 2, 10 }, pruned.forward(randn(2, 3, 32, 32)).shape);
        Assert.True(pruned.Analysis.Macs < network.Analysis.Macs * 0.5);
    }

    [Fact]
    public void A_network_imported_from_pytorch_prunes_to_a_smaller_network_that_runs()
    {
        var file = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "fixture-opset13.onnx"));
        using var network = Modeling.Import.OnnxImporter.Import(file, "imported").CreateNetwork();
        var keep = network.Analysis.ChannelGroups.Where(g => g.Prunable).ToDictionary(PruningPolicy.KeyOf, g => g.Snap(g.Channels / 2.0));
        Assert.Contains("se_squeeze", keep.Keys); // the squeeze of the gate, and the expansion with its gate, are prunable
        Assert.Contains("expand_0", keep.Keys);

        using var pruned = ChannelPruner.Prune(network, new PruningPolicy(keep));
        using var scope = NewDisposeScope();

        Assert.Equal(new long[] { 2, 10 }, pruned.forward(randn(2, 1, 28, 28)).shape);
        Assert.True(pruned.Analysis.Macs < network.Analysis.Macs * 0.75);
    }

    [Theory]
    [InlineData("lenet5")]
    [InlineData("vgg-small")]
    [InlineData("resnet20")]
    [InlineData("mobilenetv2-small")]
    [InlineData("mobilenetv3-small")]
    [InlineData("efficientnet-b0-w0.5")]
    public void Pruning_every_group_by_half_gives_a_real_smaller_network(string model)
    {
        using var network = Network(model);
        var keep = network.Analysis.ChannelGroups.Where(g => g.Prunable).ToDictionary(PruningPolicy.KeyOf, g => g.Snap(g.Channels / 2.0));

        using var pruned = ChannelPruner.Prune(network, new PruningPolicy(keep));
        using var scope = NewDisposeScope();

        Assert.Equal(new long[] { 2, 10 }, pruned.forward(randn(2, 1, 28, 28)).shape);
        Assert.Equal(pruned.Analysis.Params, pruned.parameters().Sum(p => p.numel()));
        Assert.InRange((double)pruned.Analysis.Macs / network.Analysis.Macs, 0.2, 0.6);
        Assert.True(pruned.Analysis.Params < network.Analysis.Params * 0.6);
    }

    [Fact]
    public void The_kept_channels_are_those_with_the_largest_filters_summed_over_tied_producers()
    {
        using var network = Network("resnet20-w0.5");
        var group = network.Analysis.ChannelGroups.Single(g => g.Producers.Contains("stem"));
        using (no_grad())
        {
            foreach (var producer in group.Producers)
            {
                var weight = network.state_dict()[$"{producer}.conv.weight"];
                weight.fill_(0.01);
                weight[5].fill_(1); // channel 5 is large in every producer
            }
            network.state_dict()["s1b2_conv2.conv.weight"][2].fill_(3); // channel 2 is large in one producer only
        }

        var kept = ChannelPruner.KeptChannels(group, network.state_dict(), 2, FilterImportance.L1, network.Analysis);

        Assert.Equal([2L, 5L], kept.data<long>().ToArray());
    }

    [Fact]
    public void Ranked_by_the_next_layer_the_kept_channels_are_those_it_uses_most()
    {
        using var network = Network("lenet5");
        var groups = network.Analysis.ChannelGroups.Where(g => g.Prunable).ToDictionary(PruningPolicy.KeyOf);
        var state = network.state_dict();
        using (no_grad())
        {
            state["conv1.conv.weight"][0].fill_(5); // the largest filters, which the L1 ranking keeps
            state["conv2.conv.weight"].fill_(0.01);
            state["conv2.conv.weight"][.., 4].fill_(1); // conv2 reads conv1's channel 4 most
            state["conv2.conv.weight"][0].fill_(5);
            var fc1 = state["fc1.fc.weight"]; // reads conv2's 16 channels of 5 x 5 positions each, channel by channel
            fc1.fill_(0.01);
            fc1[.., (3 * 25)..(4 * 25)].fill_(1); // fc1 reads channels 3 and 11 most
            fc1[.., (11 * 25)..(12 * 25)].fill_(-1);
        }

        long[] Kept(string group, int keep, FilterImportance importance) =>
            ChannelPruner.KeptChannels(groups[group], state, keep, importance, network.Analysis).data<long>().ToArray();

        Assert.Equal([4L], Kept("conv1", 1, FilterImportance.NextLayer));
        Assert.Equal([0L], Kept("conv1", 1, FilterImportance.L1));
        Assert.Equal([3L, 11L], Kept("conv2", 2, FilterImportance.NextLayer));
        Assert.Contains(0L, Kept("conv2", 2, FilterImportance.L1));
    }

    [Theory]
    [InlineData("nothing", 3, "not the first layer of a prunable channel group")]
    [InlineData("fc3", 3, "not the first layer of a prunable channel group")]
    [InlineData("conv1", 0, "keeps 0 channels of 'conv1', which has 6")]
    [InlineData("conv1", 7, "keeps 7 channels")]
    public void Bad_policies_are_refused(string layer, int keep, string message)
    {
        var spec = ModelZoo.Create("lenet5", Mnist, 10);
        var error = Assert.Throws<ArgumentException>(() => new PruningPolicy(new Dictionary<string, int> { [layer] = keep }).ApplyTo(spec));
        Assert.Contains(message, error.Message);
    }
}
