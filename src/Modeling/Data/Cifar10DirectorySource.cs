namespace AutoDesign.Modeling.Data;

/// <summary>CIFAR-10 in its binary format from a folder a user brings (named <c>cifar10:&lt;folder&gt;</c>).</summary>
internal sealed class Cifar10DirectorySource(string directory) : IDatasetSource
{
    public DatasetInfo Info { get; } = new($"cifar10:{Path.GetFullPath(directory)}", new Specs.InputSpec(3, 32, 32),
        Cifar10Binary.Classes, Flippable: true, $"CIFAR-10 binary files in {directory}");

    public bool IsCached(DataFolder folder) => true;

    public Dataset Load(DataFolder folder)
    {
        if (!Directory.Exists(directory)) throw new DatasetException($"cifar10:{directory}: no such folder");
        var train = Cifar10Binary.Read([.. Cifar10Binary.TrainFiles.Select(f => Path.Combine(directory, f))]);
        var test = Cifar10Binary.Read(Path.Combine(directory, Cifar10Binary.TestFile));
        var (trainPart, validation, rule) = DatasetSplits.HoldOut(train, Math.Min(5_000, train.Count / 10));
        var (mean, std) = Dataset.ChannelStatistics(trainPart);
        return new Dataset(Info, trainPart, validation, test, mean, std, rule);
    }
}
