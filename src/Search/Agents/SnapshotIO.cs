namespace AutoDesign.Search.Agents;

/// <summary>Writes and reads the arrays agents keep in their snapshots.</summary>
internal static class SnapshotIO
{
    public static void WriteInts(this BinaryWriter writer, IReadOnlyList<int> values)
    {
        writer.Write(values.Count);
        foreach (int v in values) writer.Write(v);
    }

    public static int[] ReadInts(this BinaryReader reader)
    {
        var values = new int[reader.ReadInt32()];
        for (int i = 0; i < values.Length; i++) values[i] = reader.ReadInt32();
        return values;
    }

    public static void WriteDoubles(this BinaryWriter writer, IReadOnlyList<double> values)
    {
        writer.Write(values.Count);
        foreach (double v in values) writer.Write(v);
    }

    public static double[] ReadDoubles(this BinaryReader reader)
    {
        var values = new double[reader.ReadInt32()];
        for (int i = 0; i < values.Length; i++) values[i] = reader.ReadDouble();
        return values;
    }

    public static void WriteList<T>(this BinaryWriter writer, IReadOnlyCollection<T> items, Action<BinaryWriter, T> write)
    {
        writer.Write(items.Count);
        foreach (var item in items) write(writer, item);
    }

    public static List<T> ReadList<T>(this BinaryReader reader, Func<BinaryReader, T> read)
    {
        int count = reader.ReadInt32();
        var items = new List<T>(count);
        for (int i = 0; i < count; i++) items.Add(read(reader));
        return items;
    }

    public static byte[] Write(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream)) write(writer);
        return stream.ToArray();
    }

    public static void Read(byte[] snapshot, Action<BinaryReader> read)
    {
        using var reader = new BinaryReader(new MemoryStream(snapshot));
        read(reader);
        if (reader.BaseStream.Position != reader.BaseStream.Length) throw new ArgumentException("the snapshot has trailing bytes: it is not this agent's");
    }
}
