using System.Buffers.Binary;

namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// One parameter's part of a worker's message: every gradient entry (<see cref="Indices"/> null) or the chosen ones,
/// at flat positions in increasing order.
/// </summary>
public sealed record LayerGradient(int Count, int[]? Indices, float[] Values)
{
    public bool IsDense => Indices is null;
}

/// <summary>
/// What one worker sends for one step, in parameter order. On the wire, a sparse part is its positions as gaps from
/// the previous one in LEB128 varints (most gaps are small, so about one or two bytes each instead of four or eight)
/// and its values as float32; a dense part is its values alone.
/// </summary>
public sealed record GradientMessage(IReadOnlyList<LayerGradient> Layers)
{
    /// <summary>Bytes of the gradients sent as plain float32, the dense exchange's message.</summary>
    public long DenseBytes => Layers.Sum(l => 4L * l.Count);

    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        WriteVarint(stream, (uint)Layers.Count);
        Span<byte> value = stackalloc byte[4];
        foreach (var layer in Layers)
        {
            WriteVarint(stream, (uint)layer.Count);
            stream.WriteByte(layer.IsDense ? (byte)0 : (byte)1);
            if (layer.Indices is { } indices)
            {
                WriteVarint(stream, (uint)indices.Length);
                int previous = -1;
                foreach (int index in indices)
                {
                    WriteVarint(stream, (uint)(index - previous - 1));
                    previous = index;
                }
            }
            foreach (float v in layer.Values)
            {
                BinaryPrimitives.WriteSingleLittleEndian(value, v);
                stream.Write(value);
            }
        }
        return stream.ToArray();
    }

    /// <summary>Reads a message; a malformed one (truncated, positions out of range or out of order) is an <see cref="InvalidDataException"/>.</summary>
    public static GradientMessage Decode(ReadOnlySpan<byte> bytes)
    {
        int offset = 0;
        int layerCount = ReadCount(bytes, ref offset, int.MaxValue, "layer count");
        var layers = new List<LayerGradient>(Math.Min(layerCount, 4096));
        for (int l = 0; l < layerCount; l++)
        {
            int count = ReadCount(bytes, ref offset, int.MaxValue, "entry count");
            if (offset >= bytes.Length) throw new InvalidDataException("gradient message: truncated");
            byte kind = bytes[offset++];
            int[]? indices = null;
            int values = count;
            if (kind == 1)
            {
                values = ReadCount(bytes, ref offset, count, "chosen entries");
                if (bytes.Length - offset < 5L * values) throw new InvalidDataException("gradient message: truncated"); // a byte per gap at least, four per value
                indices = new int[values];
                long position = -1;
                for (int i = 0; i < values; i++)
                {
                    position += (long)ReadVarint(bytes, ref offset) + 1;
                    if (position >= count) throw new InvalidDataException($"gradient message: position {position} beyond {count} entries");
                    indices[i] = (int)position;
                }
            }
            else if (kind != 0) throw new InvalidDataException($"gradient message: unknown layer kind {kind}");
            if (bytes.Length - offset < 4L * values) throw new InvalidDataException("gradient message: truncated");
            var data = new float[values];
            for (int i = 0; i < values; i++, offset += 4) data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[offset..]);
            layers.Add(new LayerGradient(count, indices, data));
        }
        if (offset != bytes.Length) throw new InvalidDataException("gradient message: bytes after the last layer");
        return new GradientMessage(layers);
    }

    private static void WriteVarint(Stream stream, uint value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        stream.WriteByte((byte)value);
    }

    private static uint ReadVarint(ReadOnlySpan<byte> bytes, ref int offset)
    {
        uint value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (offset >= bytes.Length) throw new InvalidDataException("gradient message: truncated");
            byte b = bytes[offset++];
            if (shift == 28 && b > 0x0F) throw new InvalidDataException("gradient message: varint beyond 32 bits");
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("gradient message: varint too long");
    }

    private static int ReadCount(ReadOnlySpan<byte> bytes, ref int offset, int max, string what)
    {
        uint value = ReadVarint(bytes, ref offset);
        return value <= (uint)max ? (int)value : throw new InvalidDataException($"gradient message: {what} {value} exceeds {max}");
    }
}
