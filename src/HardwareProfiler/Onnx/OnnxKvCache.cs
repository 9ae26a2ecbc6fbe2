using AutoDesign.Modeling.Quantization.Formats;
using Onnx;
using static TorchSharp.torch;
using G = AutoDesign.HardwareProfiler.Onnx.OnnxGraphBuilder;

namespace AutoDesign.HardwareProfiler.Onnx;

/// <summary>
/// An attention layer's KV cache format in the graph, as <see cref="KvCacheQuantizer"/> applies it: SmoothAttention
/// divides the keys by lambda and multiplies the queries by it (per query head, from its key head), then each new
/// token's key and value of each head is rounded to asymmetric codes with an FP16 scale and zero point and read back.
/// The cache tensors stay float32 (ONNX Runtime has no low-bit cache for a plain graph): the file computes with the
/// values the quantized cache holds, not in its size.
/// </summary>
internal static class OnnxKvCache
{
    /// <summary>Queries, keys and values as (N, heads, P, size), after rotary and before the cache is appended to.</summary>
    public static (string Queries, string Keys, string Values) Apply(G g, string n, KvCacheQuantizer cache, string q, string k, string v, long heads)
    {
        if (cache.KeyScales is { } lambda)
        {
            long keyHeads = lambda.shape[1], size = lambda.shape[3];
            var perKeyHead = lambda.detach().contiguous().to_type(ScalarType.Float32).data<float>().ToArray();
            k = g.Node("Div", $"{n}_smooth_k", [k, g.Floats($"{n}.key_scales", perKeyHead, 1, keyHeads, 1, size)], $"{n}_k_smoothed");
            var perQueryHead = new float[heads * size]; // query head h reads key head h / share
            long share = heads / keyHeads;
            for (long h = 0; h < heads; h++) Array.Copy(perKeyHead, h / share * size, perQueryHead, h * size, size);
            q = g.Node("Mul", $"{n}_smooth_q", [q, g.Floats($"{n}.query_scales", perQueryHead, 1, heads, 1, size)], $"{n}_q_smoothed");
        }
        if (cache.Format.IsQuantized)
        {
            k = Round(g, $"{n}_cache_k", k, cache.Format.Bits);
            v = Round(g, $"{n}_cache_v", v, cache.Format.Bits);
        }
        return (q, k, v);
    }

    // GroupedUInt.Round over the head size (the last axis): one scale and zero point per token and head.
    private static string Round(G g, string n, string x, int bits)
    {
        float top = (1 << bits) - 1;
        string Node(string op, string name, params string[] inputs) => g.Node(op, $"{n}_{name}", inputs, $"{n}_{name}_out");
        string max = g.Node("ReduceMax", $"{n}_max", [x], $"{n}_max_out", G.Ints("axes", 3), G.Int("keepdims", 1));
        string min = g.Node("ReduceMin", $"{n}_min", [x], $"{n}_min_out", G.Ints("axes", 3), G.Int("keepdims", 1));
        string scale = Node("Max", "scale_floor", Node("Div", "scale", Node("Sub", "range", max, min), g.Floats($"{n}_top", [top])), g.Floats($"{n}_tiny", [1e-8f]));
        string half = g.Node("Cast", $"{n}_scale_fp16", [scale], $"{n}_scale_half", G.Int("to", (long)TensorProto.Types.DataType.Float16));
        scale = g.Node("Cast", $"{n}_scale_float", [half], $"{n}_scale_rounded", G.Int("to", (long)TensorProto.Types.DataType.Float));
        scale = Node("Max", "scale_subnormal", scale, g.Floats($"{n}_smallest", [6e-8f]));
        string zero = Node("Clip", "zero", Node("Round", "zero_round", Node("Div", "zero_divide", Node("Neg", "negative_min", min), scale)),
            g.Floats($"{n}_low", [0f]), g.Floats($"{n}_high", [top]));
        string codes = Node("Clip", "codes", Node("Add", "shift", Node("Round", "round", Node("Div", "divide", x, scale)), zero),
            g.Floats($"{n}_code_low", [0f]), g.Floats($"{n}_code_high", [top]));
        return Node("Mul", "read_back", Node("Sub", "unshift", codes, zero), scale);
    }
}
