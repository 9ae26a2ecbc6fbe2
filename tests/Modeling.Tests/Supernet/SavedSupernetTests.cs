using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Supernet;

public sealed class SavedSupernetTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void A_saved_super_network_loads_with_its_weights_and_its_sub_networks_save_as_ordinary_models()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        using var network = SupernetFixtures.Randomized(SupernetFixtures.Tiny, 41);
        var saved = new SavedSupernet("tiny", SupernetFixtures.Tiny, "mnist", mnist.Mean, mnist.Std, new ShrinkingOptions(), []);
        string directory = Path.Combine(_data.Root, "supernet");
        saved.Save(directory, network);

        var loaded = SavedSupernet.Load(directory);
        using var copy = loaded.CreateNetwork(directory);
        using var scope = NewDisposeScope();
        var input = randn(2, 1, 28, 28);
        var choice = network.Space.Sample(new SplitMix64(41));
        network.Select(choice);
        copy.Select(choice);
        Assert.True(copy.forward(input).allclose(network.forward(input)));
        Assert.Equal(network.Space.Decisions.Select(d => d.Name), copy.Space.Decisions.Select(d => d.Name));

        var model = loaded.SaveSubnet(copy, choice, mnist, Path.Combine(_data.Root, "subnet"), recalibrationImages: 128);
        var reloaded = SavedModel.Load(model.Directory);
        Assert.Equal(model.Card.Macs, reloaded.Spec.Analyze().Macs);
        Assert.Equal("mnist", reloaded.Card.Dataset);
        Assert.InRange(reloaded.Card.TestAccuracy ?? -1, 0.0, 1.0);
        using var subnet = reloaded.CreateNetwork();
        Assert.Equal(new long[] { 2, 10 }, subnet.forward(input).shape);
    }
}
