namespace AutoDesign.Modeling.Data;

/// <summary>
/// The CIFAR-10 binary format (data_batch_1.bin ... test_batch.bin): records of one label byte (0..9) followed by
/// 3,072 pixel bytes, the red, green and blue 32x32 planes in turn.
/// </summary>
public static class Cifar10Binary
{
    public const int Classes = 10;
    private const int ImageBytes = 3 * 32 * 32;
    private const int RecordBytes = 1 + ImageBytes;

    public static readonly string[] TrainFiles = [.. Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin")];
    public const string TestFile = "test_batch.bin";

    public static ImageSet Read(params string[] paths)
    {
        var pixels = new List<byte[]>();
        var labels = new List<byte>();
        foreach (var path in paths)
        {
            var bytes = IdxFile.ReadAll(path);
            if (bytes.Length == 0 || bytes.Length % RecordBytes != 0)
                throw new DataFormatException(path,
                    $"{bytes.Length:N0} bytes is not a whole number of {RecordBytes:N0}-byte CIFAR-10 records (truncated or not CIFAR-10)");
            for (int offset = 0; offset < bytes.Length; offset += RecordBytes)
            {
                byte label = bytes[offset];
                if (label >= Classes)
                    throw new DataFormatException(path, $"record {offset / RecordBytes} has label {label}, outside 0..9");
                labels.Add(label);
                pixels.Add(bytes[(offset + 1)..(offset + RecordBytes)]);
            }
        }
        var all = new byte[(long)pixels.Count * ImageBytes];
        for (int i = 0; i < pixels.Count; i++) pixels[i].CopyTo(all, (long)i * ImageBytes);
        return new ImageSet(new Specs.InputSpec(3, 32, 32), Classes, all, [.. labels]);
    }

    public static void Write(string path, ImageSet images)
    {
        using var file = File.Create(path);
        for (int i = 0; i < images.Count; i++)
        {
            file.WriteByte(images.Labels[i]);
            file.Write(images.Pixels, i * ImageBytes, ImageBytes);
        }
    }
}
