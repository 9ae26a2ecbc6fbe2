using AutoDesign.Modeling.Specs;
using G = AutoDesign.HardwareProfiler.Onnx.OnnxGraphBuilder;

namespace AutoDesign.HardwareProfiler.Onnx;

/// <summary>
/// Multi-head attention over (N, C, H, W) maps in opset 13's operators, as <c>AttentionKernel</c> computes it:
/// each input reshaped to (N, heads, size, P) and transposed to (N, heads, P, size), softmax(Q K^T / sqrt(size)
/// + mask) V, and back. Rotary embedding and shared key heads are not written yet (the exporter refuses them).
/// </summary>
internal static class OnnxAttention
{
    public static void Write(G g, LayerSpec layer, LayerSummary summary, IReadOnlyList<string> inputs, string output)
    {
        string n = layer.Name;
        int size = layer.HeadSize!.Value;
        var map = summary.InputShape;
        long heads = map.Channels / size, positions = (long)map.Height * map.Width;
        string headShape = g.Int64s($"{n}_head_shape", 0, heads, size, positions); // 0: the batch, as it comes
        string Heads(string x, string role, long[] perm) =>
            g.Node("Transpose", $"{n}_{role}_t", [g.Node("Reshape", $"{n}_{role}_heads", [x, headShape], $"{n}_{role}_split")], $"{n}_{role}", G.Ints("perm", perm));

        string q = Heads(inputs[0], "q", [0, 1, 3, 2]); // (N, heads, P, size)
        string kT = Heads(inputs[1], "k", [0, 1, 2, 3]); // (N, heads, size, P): already K^T
        string v = Heads(inputs[2], "v", [0, 1, 3, 2]);
        string scores = g.Node("Div", $"{n}_scale", [g.Node("MatMul", $"{n}_qk", [q, kT], $"{n}_qk_out"), g.Floats($"{n}_sqrt_size", [MathF.Sqrt(size)])], $"{n}_scores");
        if (layer.Causal)
        {
            var mask = new float[positions * positions];
            for (long i = 0; i < positions; i++)
                for (long j = i + 1; j < positions; j++) mask[i * positions + j] = float.NegativeInfinity;
            scores = g.Node("Add", $"{n}_mask", [scores, g.Floats($"{n}_future", mask, positions, positions)], $"{n}_masked");
        }
        string weights = g.Node("Softmax", $"{n}_softmax", [scores], $"{n}_weights", G.Int("axis", -1));
        string mixed = g.Node("MatMul", $"{n}_av", [weights, v], $"{n}_mixed"); // (N, heads, P, size)
        string channels = g.Node("Transpose", $"{n}_back", [mixed], $"{n}_channels", G.Ints("perm", 0, 1, 3, 2));
        g.Node("Reshape", n, [channels, g.Int64s($"{n}_map_shape", 0, map.Channels, map.Height, map.Width)], output);
    }
}
