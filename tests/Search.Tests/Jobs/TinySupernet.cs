using AutoDesign.Modeling;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Search.Tests.Jobs;

/// <summary>An untrained super-network small enough to score a sub-network in a blink, saved where a nas spec finds it by name.</summary>
internal static class TinySupernet
{
    public const string Name = "tiny";

    public static SupernetLayout Layout(string dataset = "mnist")
    {
        var info = DatasetCatalog.Resolve(dataset, DataFolder.Default()).Info;
        return SupernetLayout.Tiny(info.Shape, info.Classes);
    }

    /// <param name="training">The recipe on its card (what its sub-networks recover with; default <see cref="ShrinkingOptions"/>'s).</param>
    public static string Save(DataFolder folder, string dataset = "mnist", string name = Name, ShrinkingOptions? training = null)
    {
        var layout = Layout(dataset);
        TorchSharp.torch.manual_seed(3);
        using var network = new SuperNetwork(layout);
        var data = DatasetCatalog.Load(dataset, folder);
        var saved = new SavedSupernet(name, layout, dataset, data.Mean, data.Std, training ?? new ShrinkingOptions(), []);
        string directory = Path.Combine(folder.Root, "supernets", name);
        Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
        saved.Save(directory, network);
        return directory;
    }

    /// <summary>
    /// Measures <paramref name="count"/> sub-networks of the saved tiny super-network into its folder, as
    /// <c>autodesign supernet sample</c> does (on fewer images, for speed): what a predictor-guided search fits on.
    /// </summary>
    public static AccuracySampleFile Sample(DataFolder folder, int count, string name = Name)
    {
        string directory = Path.Combine(folder.Root, "supernets", name);
        var saved = SavedSupernet.Load(directory);
        var data = DatasetCatalog.Load(saved.Dataset, folder);
        using var network = saved.CreateNetwork(directory);
        using var evaluator = new SubnetEvaluator(data, 200, 200);
        return new AccuracySampling(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
            .Collect(network, evaluator, saved.Dataset, 200, count, directory);
    }

    public static double Macs(SupernetLayout layout, SubnetChoice choice) => SubnetExtraction.Spec(layout, choice, "probe").Analyze().Macs;
}
