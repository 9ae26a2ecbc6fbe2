using AutoDesign.Modeling.Inputs;

namespace AutoDesign.Modeling.Data;

/// <summary>CIFAR-10 in its binary format from a folder a user brings (named <c>cifar10:&lt;folder&gt;</c>); its files are checked when it is named.</summary>
internal sealed class Cifar10DirectorySource : IDatasetSource
{
    private readonly string _name;
    private readonly string[] _train;
    private readonly string _test;

    public Cifar10DirectorySource(string name, InputFiles inputs)
    {
        _name = name;
        string directory = inputs.Directory(name);
        _train = [.. Cifar10Binary.TrainFiles.Select(f => inputs.File(Path.Combine(directory, f), InputFormat.Cifar10Batch))];
        _test = inputs.File(Path.Combine(directory, Cifar10Binary.TestFile), InputFormat.Cifar10Batch);
        Info = new($"cifar10:{directory}", new Specs.InputSpec(3, 32, 32), Cifar10Binary.Classes, Flippable: true, $"CIFAR-10 binary files in {name}");
    }

    public DatasetInfo Info { get; }

    public bool IsCached(DataFolder folder) => true;

    public Dataset Load(DataFolder folder)
    {
        try
        {
            var train = Cifar10Binary.Read(_train);
            var test = Cifar10Binary.Read(_test);
            var (trainPart, validation, rule) = DatasetSplits.HoldOut(train, Math.Min(5_000, train.Count / 10));
            var (mean, std) = Dataset.ChannelStatistics(trainPart);
            return new Dataset(Info, trainPart, validation, test, mean, std, rule);
        }
        catch (DataFormatException e)
        {
            throw new DataFormatException(Path.Combine(_name, Path.GetFileName(e.File)), e.Problem);
        }
    }
}
