namespace AutoDesign.Modeling.Data;

/// <summary>
/// Any MNIST-like data set a user brings: a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (named <c>idx:&lt;folder&gt;</c>). Classes are counted from the labels.
/// </summary>
internal sealed class IdxDirectorySource(string directory) : IDatasetSource
{
    private const string TrainImages = "train-images-idx3-ubyte", TrainLabels = "train-labels-idx1-ubyte";
    private const string TestImages = "t10k-images-idx3-ubyte", TestLabels = "t10k-labels-idx1-ubyte";

    private readonly Lazy<(DatasetInfo Info, ImageSet Train, ImageSet Test)> _files = new(() => Read(directory));

    public DatasetInfo Info => _files.Value.Info;

    public bool IsCached(DataFolder folder) => true;

    public Dataset Load(DataFolder folder)
    {
        var (info, train, test) = _files.Value;
        var (trainPart, validation, rule) = DatasetSplits.HoldOut(train, Math.Min(5_000, train.Count / 10));
        var (mean, std) = Dataset.ChannelStatistics(trainPart);
        return new Dataset(info, trainPart, validation, test, mean, std, rule);
    }

    private static (DatasetInfo, ImageSet, ImageSet) Read(string directory)
    {
        if (!Directory.Exists(directory)) throw new DatasetException($"idx:{directory}: no such folder");
        int classes = Math.Max(2, Math.Max(MaxLabel(Path.Combine(directory, TrainLabels)), MaxLabel(Path.Combine(directory, TestLabels))) + 1);
        var train = IdxFile.ReadImages(Path.Combine(directory, TrainImages), Path.Combine(directory, TrainLabels), classes);
        var test = IdxFile.ReadImages(Path.Combine(directory, TestImages), Path.Combine(directory, TestLabels), classes);
        if (test.Shape != train.Shape)
            throw new DataFormatException(Path.Combine(directory, TestImages), $"test images are {test.Shape}, training images {train.Shape}");
        var info = new DatasetInfo($"idx:{Path.GetFullPath(directory)}", train.Shape, classes, Flippable: false, $"files in {directory}");
        return (info, train, test);
    }

    private static int MaxLabel(string path) => IdxFile.Read(path).Data.DefaultIfEmpty().Max();
}
