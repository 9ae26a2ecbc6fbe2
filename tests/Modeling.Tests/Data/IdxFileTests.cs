using AutoDesign.Modeling.Data;

namespace AutoDesign.Modeling.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("autodesign-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_dir, name);

    private (string Images, string Labels) WriteSet(int count, int classes = 10)
    {
        var pixels = Enumerable.Range(0, count * 4 * 5).Select(i => (byte)i).ToArray();
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % classes)).ToArray();
        IdxFile.Write(Path("images"), [count, 4, 5], pixels);
        IdxFile.Write(Path("labels"), [count], labels);
        return (Path("images"), Path("labels"));
    }

    [Fact]
    public void Images_and_labels_round_trip()
    {
        var (images, labels) = WriteSet(7);

        var set = IdxFile.ReadImages(images, labels, classes: 10);

        Assert.Equal(7, set.Count);
        Assert.Equal(new AutoDesign.Modeling.Specs.InputSpec(1, 4, 5), set.Shape);
        Assert.Equal(20, set.Pixels[20]);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], set.Labels.Select(l => (int)l));
    }

    [Fact]
    public void A_truncated_file_names_itself_and_the_shortfall()
    {
        var (images, labels) = WriteSet(7);
        var bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..^10]);

        var error = Assert.Throws<DataFormatException>(() => IdxFile.ReadImages(images, labels, 10));

        Assert.Equal(images, error.File);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("140 bytes of data, the file holds 130", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_idx_is_refused()
    {
        File.WriteAllText(Path("images"), "<html>not found</html>");
        var error = Assert.Throws<DataFormatException>(() => IdxFile.Read(Path("images")));
        Assert.Contains("not an IDX file", error.Message);
        Assert.StartsWith(Path("images"), error.Message);
    }

    [Fact]
    public void Labels_beyond_the_class_count_are_refused()
    {
        var (images, labels) = WriteSet(7);
        var error = Assert.Throws<DataFormatException>(() => IdxFile.ReadImages(images, labels, classes: 3));
        Assert.Contains("label 3 of item 3 is outside 0..2", error.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        var (images, _) = WriteSet(7);
        IdxFile.Write(Path("labels6"), [6], new byte[6]);
        var error = Assert.Throws<DataFormatException>(() => IdxFile.ReadImages(images, Path("labels6"), 10));
        Assert.Contains("6 labels for 7 images", error.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<DataFormatException>(() => IdxFile.Read(Path("nothing-here")));
        Assert.Contains("no such file", error.Message);
    }

    [Fact]
    public void A_user_folder_of_idx_files_is_a_data_set()
    {
        WriteSet(60);
        File.Move(Path("images"), Path("train-images-idx3-ubyte"));
        File.Move(Path("labels"), Path("train-labels-idx1-ubyte"));
        WriteSet(20, classes: 3);
        File.Move(Path("images"), Path("t10k-images-idx3-ubyte"));
        File.Move(Path("labels"), Path("t10k-labels-idx1-ubyte"));

        var dataset = DatasetCatalog.Resolve($"idx:{_dir}", new DataFolder(_dir)).Load(new DataFolder(_dir));

        Assert.Equal(10, dataset.Info.Classes);
        Assert.Equal(54, dataset.Train.Count);
        Assert.Equal(6, dataset.Validation.Count);
        Assert.Equal(20, dataset.Test.Count);
    }
}
