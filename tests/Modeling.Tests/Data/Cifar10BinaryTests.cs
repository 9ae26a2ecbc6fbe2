using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Tests.Data;

public sealed class Cifar10BinaryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("autodesign-cifar-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ImageSet Images(int count, int offset = 0)
    {
        var pixels = new byte[count * 3072];
        for (int i = 0; i < count; i++) pixels.AsSpan(i * 3072, 3072).Fill((byte)(i + offset));
        return new ImageSet(new InputSpec(3, 32, 32), 10, pixels, [.. Enumerable.Range(0, count).Select(i => (byte)((i + offset) % 10))]);
    }

    [Fact]
    public void Records_are_read_in_order_across_files()
    {
        string first = Path.Combine(_dir, "a.bin"), second = Path.Combine(_dir, "b.bin");
        Cifar10Binary.Write(first, Images(3));
        Cifar10Binary.Write(second, Images(2, offset: 3));

        var set = Cifar10Binary.Read(first, second);

        Assert.Equal(5, set.Count);
        Assert.Equal([0, 1, 2, 3, 4], set.Labels.Select(l => (int)l));
        Assert.Equal(4, set.Pixels[4 * 3072 + 100]);
        Assert.Equal(new InputSpec(3, 32, 32), set.Shape);
    }

    [Fact]
    public void A_truncated_batch_names_the_file()
    {
        string path = Path.Combine(_dir, "data_batch_1.bin");
        Cifar10Binary.Write(path, Images(2));
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^1]);

        var error = Assert.Throws<DataFormatException>(() => Cifar10Binary.Read(path));

        Assert.Equal(path, error.File);
        Assert.Contains("6,145 bytes is not a whole number of 3,073-byte CIFAR-10 records", error.Message);
    }

    [Fact]
    public void A_label_above_nine_is_refused()
    {
        string path = Path.Combine(_dir, "test_batch.bin");
        var bytes = new byte[3073 * 2];
        bytes[3073] = 12;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DataFormatException>(() => Cifar10Binary.Read(path));
        Assert.Contains("record 1 has label 12", error.Message);
    }

    [Fact]
    public void A_cifar10_folder_is_a_data_set_with_a_validation_hold_out()
    {
        for (int i = 1; i <= 5; i++) Cifar10Binary.Write(Path.Combine(_dir, $"data_batch_{i}.bin"), Images(20, offset: i));
        Cifar10Binary.Write(Path.Combine(_dir, "test_batch.bin"), Images(10));

        var dataset = DatasetCatalog.Resolve($"cifar10:{_dir}", new DataFolder(_dir)).Load(new DataFolder(_dir));

        Assert.Equal(90, dataset.Train.Count);
        Assert.Equal(10, dataset.Validation.Count);
        Assert.Equal(10, dataset.Test.Count);
        Assert.Equal(3, dataset.Mean.Length);
    }

    [Fact]
    public void A_missing_batch_is_named_when_the_data_set_is_named()
    {
        var error = Assert.Throws<DatasetException>(() => DatasetCatalog.Resolve($"cifar10:{_dir}", new DataFolder(_dir)));
        Assert.EndsWith("data_batch_1.bin': no such file", error.Message);
    }
}
