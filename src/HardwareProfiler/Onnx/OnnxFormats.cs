using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Specs;
using Onnx;
using static TorchSharp.torch;
using G = AutoDesign.HardwareProfiler.Onnx.OnnxGraphBuilder;

namespace AutoDesign.HardwareProfiler.Onnx;

/// <summary>
/// Projections in serving formats, in the operators ONNX Runtime runs them with: W4A16 as <c>MatMulNBits</c>
/// (com.microsoft: 4-bit codes packed two to a byte along the input, low nibble first, one scale and a packed
/// 4-bit zero point per block of the group size), and W8A8 (or W4A8 restored to its INT8 weights) as per-token
/// dynamic INT8 activations into <c>MatMulInteger</c> with the INT8 weights, rescaled once by both scales: the
/// arithmetic the search scored. The map (B, C, H, W) is read as (B, H W, C) rows and written back.
/// </summary>
internal static class OnnxFormats
{
    public const string MicrosoftDomain = "com.microsoft";

    /// <summary>Whether a projection in <paramref name="format"/> can be written (W4A4 has no ONNX Runtime kernel).</summary>
    public static bool HasKernel(ProjectionFormat format) => format.Kind != FormatKind.W4A4;

    /// <param name="width">Positions along the map's width (1 in a decode step).</param>
    public static void Write(G g, LayerSpec layer, LayerSummary summary, QuantizedProjection kernel, string x, string output, long width)
    {
        string n = layer.Name;
        var stored = kernel.Stored ?? throw new NotSupportedException($"layer '{n}': {kernel.Format.Name} has no ONNX Runtime kernel (exported formats: fp32, fp16, w8a8, w4a8, w4a16)");
        long inputs = summary.InChannels, outputs = summary.OutChannels;
        var shape = summary.OutputShape;
        string map = g.Node("Transpose", $"{n}_channels_last", [x], $"{n}_channels_last_out", G.Ints("perm", 0, 2, 3, 1));
        string rows = g.Node("Reshape", $"{n}_rows", [map, g.Int64s($"{n}_rows_shape", 0, -1, inputs)], $"{n}_rows_out");
        if (stored.InputScales is { } inputScales) rows = g.Node("Div", $"{n}_smooth", [rows, g.Floats($"{n}.input_scales", Data(inputScales), inputs)], $"{n}_smoothed");
        string product = stored switch
        {
            Int4BlockWeights w => MatMulNBits(g, n, rows, w, inputs, outputs),
            Int8RowWeights w => Int8Gemm(g, n, rows, w, inputs, outputs),
            _ => throw new NotSupportedException($"layer '{n}': {kernel.Format.Name} is not exported"),
        };
        if (kernel.Bias is { } bias) product = g.Node("Add", $"{n}_bias", [product, g.Floats($"{n}.bias", Data(bias), outputs)], $"{n}_biased");
        string back = g.Node("Reshape", $"{n}_map", [product, g.Int64s($"{n}_map_shape", 0, shape.Height, width, outputs)], $"{n}_map_out");
        g.Node("Transpose", $"{n}_channels_first", [back], output, G.Ints("perm", 0, 3, 1, 2));
    }

    private static string MatMulNBits(G g, string n, string rows, Int4BlockWeights w, long inputs, long outputs)
    {
        int blocks = (int)(inputs / w.BlockSize);
        var codes = w.Codes.to_type(ScalarType.Int32).data<int>().ToArray();
        var zeros = w.Zeros.to_type(ScalarType.Int32).data<int>().ToArray();
        var packed = new byte[outputs * inputs / 2];
        for (long i = 0; i < packed.Length; i++) packed[i] = (byte)(codes[2 * i] | codes[2 * i + 1] << 4); // k even: low nibble
        int zeroBytes = (blocks + 1) / 2;
        var packedZeros = new byte[outputs * zeroBytes];
        for (long o = 0; o < outputs; o++)
            for (int b = 0; b < blocks; b++)
                packedZeros[o * zeroBytes + b / 2] |= (byte)(zeros[o * blocks + b] << (b % 2 * 4));
        string weights = g.Initializer($"{n}.weight_blocks", TensorProto.Types.DataType.Uint8, [outputs, blocks, w.BlockSize / 2], packed);
        string zeroPoints = g.Initializer($"{n}.zero_points", TensorProto.Types.DataType.Uint8, [outputs, zeroBytes], packedZeros);
        string scales = g.Floats($"{n}.scales", Data(w.Scales), outputs, blocks);
        string product = g.Node("MatMulNBits", n, [rows, weights, scales, zeroPoints], $"{n}_product",
            G.Int("K", inputs), G.Int("N", outputs), G.Int("bits", 4), G.Int("block_size", w.BlockSize));
        g.Graph.Node[^1].Domain = MicrosoftDomain;
        return product;
    }

    private static string Int8Gemm(G g, string n, string rows, Int8RowWeights w, long inputs, long outputs)
    {
        string magnitude = g.Node("ReduceMax", $"{n}_token_max", [g.Node("Abs", $"{n}_abs", [rows], $"{n}_abs_out")], $"{n}_token_max_out",
            G.Ints("axes", 2), G.Int("keepdims", 1));
        string scale = g.Node("Div", $"{n}_token_scale", [g.Node("Max", $"{n}_floor", [magnitude, g.Floats($"{n}_tiny", [1e-12f])], $"{n}_floored"),
            g.Floats($"{n}_levels", [127f])], $"{n}_token_scale_out");
        string rounded = g.Node("Round", $"{n}_round", [g.Node("Div", $"{n}_divide", [rows, scale], $"{n}_divided")], $"{n}_rounded");
        string clipped = g.Node("Clip", $"{n}_clip", [rounded, g.Floats($"{n}_low", [-127f]), g.Floats($"{n}_high", [127f])], $"{n}_clipped");
        string codes = g.Node("Cast", $"{n}_int8", [clipped], $"{n}_codes", G.Int("to", (long)TensorProto.Types.DataType.Int8));
        var weights = w.Codes.t().contiguous().to_type(ScalarType.Int8).data<sbyte>().ToArray(); // in x out
        string integers = g.Node("MatMulInteger", n, [codes, g.Int8s($"{n}.weight_int8", weights, inputs, outputs)], $"{n}_int32");
        string floats = g.Node("Cast", $"{n}_float", [integers], $"{n}_sums", G.Int("to", (long)TensorProto.Types.DataType.Float));
        string tokenScaled = g.Node("Mul", $"{n}_token_rescale", [floats, scale], $"{n}_token_rescaled");
        return g.Node("Mul", $"{n}_channel_rescale", [tokenScaled, g.Floats($"{n}.weight_scales", Data(w.Scales), outputs)], $"{n}_product");
    }

    private static float[] Data(Tensor t) => t.detach().contiguous().to_type(ScalarType.Float32).data<float>().ToArray();
}
