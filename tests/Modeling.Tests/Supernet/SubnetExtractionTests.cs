using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Modeling.Training;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Supernet;

public sealed class SubnetExtractionTests
{
    [Fact]
    public void An_extracted_sub_network_computes_what_the_super_network_computes_for_that_choice()
    {
        using var network = SupernetFixtures.Randomized(SupernetFixtures.Small, 11);
        using var scope = NewDisposeScope();
        var input = randn(3, 1, 28, 28);
        var random = new SplitMix64(11);
        var choices = new[] { network.Space.Largest, network.Space.Smallest }
            .Concat(Enumerable.Range(0, 6).Select(_ => network.Space.Sample(random)));
        foreach (var choice in choices)
        {
            network.Select(choice);
            var expected = network.forward(input);
            using var extracted = SubnetExtraction.Extract(network, choice);
            var actual = extracted.forward(input);
            Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-5),
                $"{choice}: largest difference {(actual - expected).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void The_spec_has_the_chosen_layers_and_counts_the_parameters_the_network_holds()
    {
        var layout = SupernetFixtures.Small;
        var space = new SubnetSpace(layout);
        var choice = space.Sample(new SplitMix64(12));

        var spec = SubnetExtraction.Spec(layout, choice, "sub");

        Assert.Equal(choice.Depths.Sum(), spec.Layers.Count(l => l.Name.EndsWith("_dw", StringComparison.Ordinal)));
        var dw = spec.Layer("s2b2_dw");
        Assert.Equal(choice.Kernels[layout.Stages[0].MaxDepth + 1], dw.Kernel);
        Assert.Equal(32 * choice.Expansions[layout.Stages[0].MaxDepth + 1], spec.Layer("s2b2_expand").Out);
        Assert.Contains(spec.Layers, l => l.Name == "s2b2_add");
        Assert.DoesNotContain(spec.Layers, l => l.Name == "s2b1_add"); // the first block changes the channels and the map
        using var extracted = new TestSupernetCopy(layout, choice);
        Assert.Equal(spec.Analyze().Params, extracted.Network.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void An_extracted_network_saves_and_loads_as_a_saved_model()
    {
        using var folder = new TestDataFolder();
        using var network = SupernetFixtures.Randomized(SupernetFixtures.Tiny, 13);
        using var scope = NewDisposeScope();
        var choice = network.Space.Sample(new SplitMix64(13));
        using var extracted = SubnetExtraction.Extract(network, choice, "ofa-test");
        var card = new ModelCard
        {
            Model = "ofa-test", Dataset = "fashion-mnist", SpecHash = extracted.Spec.ContentHash(), Macs = extracted.Analysis.Macs,
            Params = extracted.Analysis.Params, Mean = [0.5f], Std = [0.25f],
        };
        var saved = SavedModel.Save(Path.Combine(folder.Root, "model"), extracted, card);
        using var loaded = SavedModel.Load(saved.Directory).CreateNetwork();
        var input = randn(2, 1, 28, 28);

        Assert.True(loaded.forward(input).allclose(extracted.forward(input)));
    }

    [Fact]
    public void Recalibration_replaces_the_inherited_statistics_with_those_of_the_images()
    {
        using var network = SupernetFixtures.Randomized(SupernetFixtures.Tiny, 14);
        using var scope = NewDisposeScope();
        using var extracted = SubnetExtraction.Extract(network, network.Space.Smallest);
        var images = randn(64, 1, 28, 28) * 2 + 1;
        var stem = nn.functional.conv2d(images, extracted.state_dict()["stem.conv.weight"], strides: [2, 2], padding: [1, 1]);

        BatchNormRecalibration.Apply(extracted, images, batchSize: 64);

        Assert.True(extracted.state_dict()["stem.bn.running_mean"].allclose(stem.mean([0, 2, 3]), rtol: 1e-4, atol: 1e-5));
        Assert.False(extracted.training);
    }

    private sealed class TestSupernetCopy : IDisposable
    {
        private readonly SuperNetwork _supernet;

        public TestSupernetCopy(Modeling.Supernet.SupernetLayout layout, SubnetChoice choice)
        {
            _supernet = new SuperNetwork(layout);
            Network = SubnetExtraction.Extract(_supernet, choice);
        }

        public Modeling.Torch.SpecNetwork Network { get; }

        public void Dispose()
        {
            Network.Dispose();
            _supernet.Dispose();
        }
    }
}
