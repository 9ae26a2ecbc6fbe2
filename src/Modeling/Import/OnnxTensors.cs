using System.Runtime.InteropServices;
using Onnx;

namespace AutoDesign.Modeling.Import;

/// <summary>Reads ONNX tensors (initializers and constants) as floats or integers, from raw bytes or typed fields.</summary>
internal static class OnnxTensors
{
    private const int Float = 1, Int32 = 6, Int64 = 7, Double = 11;

    public static bool IsNumeric(TensorProto tensor) => tensor.DataType is Float or Int32 or Int64 or Double;

    public static long[] Dims(TensorProto tensor) => [.. tensor.Dims];

    public static float[] Floats(TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new FormatException($"tensor '{tensor.Name}' is stored in an external file, which is not read");
        var raw = tensor.RawData.Span;
        return tensor.DataType switch
        {
            Float => raw.Length > 0 ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : [.. tensor.FloatData],
            Double => raw.Length > 0 ? [.. MemoryMarshal.Cast<byte, double>(raw).ToArray().Select(d => (float)d)] : [.. tensor.DoubleData.Select(d => (float)d)],
            Int64 => [.. Longs(tensor).Select(v => (float)v)],
            Int32 => raw.Length > 0 ? [.. MemoryMarshal.Cast<byte, int>(raw).ToArray().Select(v => (float)v)] : [.. tensor.Int32Data.Select(v => (float)v)],
            _ => throw new FormatException($"tensor '{tensor.Name}' has element type {tensor.DataType}, not a number type the importer reads"),
        };
    }

    public static long[] Longs(TensorProto tensor)
    {
        var raw = tensor.RawData.Span;
        return tensor.DataType switch
        {
            Int64 => raw.Length > 0 ? MemoryMarshal.Cast<byte, long>(raw).ToArray() : [.. tensor.Int64Data],
            Int32 => raw.Length > 0 ? [.. MemoryMarshal.Cast<byte, int>(raw).ToArray().Select(v => (long)v)] : [.. tensor.Int32Data.Select(v => (long)v)],
            _ => [.. Floats(tensor).Select(v => (long)v)],
        };
    }

    public static long Elements(long[] dims) => dims.Aggregate(1L, (a, d) => a * d);
}
