using System.Buffers.Binary;

namespace AutoDesign.Modeling.Data;

/// <summary>
/// LeCun's IDX format, as MNIST and its look-alikes ship: two zero bytes, a type byte (0x08 = unsigned byte),
/// a dimension count, one big-endian int32 per dimension, then the data.
/// </summary>
public static class IdxFile
{
    private const byte UnsignedByte = 0x08;

    public sealed record Content(int[] Dimensions, byte[] Data);

    public static Content Read(string path)
    {
        byte[] bytes = ReadAll(path);
        if (bytes.Length < 4) throw new DataFormatException(path, $"too short for an IDX header ({bytes.Length} bytes)");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new DataFormatException(path, $"not an IDX file: it starts with 0x{bytes[0]:x2}{bytes[1]:x2}, not 0x0000");
        if (bytes[2] != UnsignedByte)
            throw new DataFormatException(path, $"IDX data type 0x{bytes[2]:x2} is not supported (only 0x08, unsigned bytes)");
        int rank = bytes[3];
        if (rank is < 1 or > 4) throw new DataFormatException(path, $"IDX rank {rank} is not between 1 and 4");
        int header = 4 + 4 * rank;
        if (bytes.Length < header) throw new DataFormatException(path, $"truncated header: {rank} dimensions need {header} bytes, the file has {bytes.Length}");

        var dimensions = new int[rank];
        long expected = 1;
        for (int d = 0; d < rank; d++)
        {
            dimensions[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (dimensions[d] < 1) throw new DataFormatException(path, $"dimension {d} is {dimensions[d]}");
            expected *= dimensions[d];
        }
        long actual = bytes.LongLength - header;
        if (actual != expected)
            throw new DataFormatException(path,
                $"{(actual < expected ? "truncated" : "too long")}: the header promises {string.Join("x", dimensions)} = {expected:N0} bytes of data, the file holds {actual:N0}");
        return new Content(dimensions, bytes[header..]);
    }

    public static void Write(string path, int[] dimensions, ReadOnlySpan<byte> data)
    {
        var header = new byte[4 + 4 * dimensions.Length];
        header[2] = UnsignedByte;
        header[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d), dimensions[d]);
        using var file = File.Create(path);
        file.Write(header);
        file.Write(data);
    }

    /// <summary>Reads a pair of IDX files (images N x H x W or N x C x H x W, labels N) into an <see cref="ImageSet"/>.</summary>
    public static ImageSet ReadImages(string imagesPath, string labelsPath, int classes)
    {
        var images = Read(imagesPath);
        var labels = Read(labelsPath);
        var dims = images.Dimensions;
        if (dims.Length is not (3 or 4))
            throw new DataFormatException(imagesPath, $"images need 3 (N x H x W) or 4 (N x C x H x W) dimensions, found {dims.Length}");
        if (labels.Dimensions.Length != 1)
            throw new DataFormatException(labelsPath, $"labels need 1 dimension, found {labels.Dimensions.Length}");
        if (labels.Dimensions[0] != dims[0])
            throw new DataFormatException(labelsPath, $"{labels.Dimensions[0]:N0} labels for {dims[0]:N0} images in {imagesPath}");
        for (int i = 0; i < labels.Data.Length; i++)
            if (labels.Data[i] >= classes)
                throw new DataFormatException(labelsPath, $"label {labels.Data[i]} of item {i} is outside 0..{classes - 1}");

        var shape = dims.Length == 3 ? new Specs.InputSpec(1, dims[1], dims[2]) : new Specs.InputSpec(dims[1], dims[2], dims[3]);
        return new ImageSet(shape, classes, images.Data, labels.Data);
    }

    internal static byte[] ReadAll(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "no such file");
        return File.ReadAllBytes(path);
    }
}
