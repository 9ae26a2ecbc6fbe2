using AutoDesign.Modeling.Inputs;

namespace AutoDesign.Modeling.Data;

/// <summary>
/// Any MNIST-like data set a user brings: a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (named <c>idx:&lt;folder&gt;</c>). Classes are counted from the labels.
/// Messages name the files by the folder as the user gave it.
/// </summary>
internal sealed class IdxDirectorySource : IDatasetSource
{
    private const string TrainImages = "train-images-idx3-ubyte", TrainLabels = "train-labels-idx1-ubyte";
    private const string TestImages = "t10k-images-idx3-ubyte", TestLabels = "t10k-labels-idx1-ubyte";

    private readonly Lazy<(DatasetInfo Info, ImageSet Train, ImageSet Test)> _files;

    public IdxDirectorySource(string name, InputFiles inputs)
    {
        string directory = inputs.Directory(name);
        var files = new[] { TrainImages, TrainLabels, TestImages, TestLabels }.ToDictionary(f => f, f => inputs.File(Path.Combine(directory, f), InputFormat.IdxFile));
        _files = new(() => Read(name, directory, files));
    }

    public DatasetInfo Info => _files.Value.Info;

    public bool IsCached(DataFolder folder) => true;

    public Dataset Load(DataFolder folder)
    {
        var (info, train, test) = _files.Value;
        var (trainPart, validation, rule) = DatasetSplits.HoldOut(train, Math.Min(5_000, train.Count / 10));
        var (mean, std) = Dataset.ChannelStatistics(trainPart);
        return new Dataset(info, trainPart, validation, test, mean, std, rule);
    }

    private static (DatasetInfo, ImageSet, ImageSet) Read(string name, string directory, Dictionary<string, string> files)
    {
        try
        {
            int classes = Math.Max(2, Math.Max(MaxLabel(files[TrainLabels]), MaxLabel(files[TestLabels])) + 1);
            var train = IdxFile.ReadImages(files[TrainImages], files[TrainLabels], classes);
            var test = IdxFile.ReadImages(files[TestImages], files[TestLabels], classes);
            if (test.Shape != train.Shape)
                throw new DataFormatException(files[TestImages], $"test images are {test.Shape}, training images {train.Shape}");
            var info = new DatasetInfo($"idx:{directory}", train.Shape, classes, Flippable: false, $"files in {name}");
            return (info, train, test);
        }
        catch (DataFormatException e)
        {
            throw new DataFormatException(Path.Combine(name, Path.GetFileName(e.File)), e.Problem);
        }
    }

    private static int MaxLabel(string path) => IdxFile.Read(path).Data.DefaultIfEmpty().Max();
}
