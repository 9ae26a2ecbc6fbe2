using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using static AutoDesign.HardwareProfiler.Onnx.OnnxExporter;
using G = AutoDesign.HardwareProfiler.Onnx.OnnxGraphBuilder;

namespace AutoDesign.HardwareProfiler.Onnx;

/// <summary>
/// Multi-head attention over (N, C, H, W) maps in opset 13's operators, as <see cref="AttentionKernel"/> computes it:
/// each input reshaped to (N, heads, size, P) and transposed to (N, heads, P, size); queries and keys turned by the
/// rotary angles (constants for the P positions); the KV cache format applied (<see cref="OnnxKvCache"/>); shared
/// key and value heads expanded to their query heads;
/// softmax(Q K^T / sqrt(size) + mask) V, and back to a map.
/// </summary>
internal static class OnnxAttention
{
    public static void Write(G g, LayerSpec layer, LayerSummary summary, int keyChannels, IReadOnlyList<string> inputs, string output, KvCacheQuantizer? cache,
        IReadOnlyList<HeadPattern> patterns)
    {
        string n = layer.Name;
        int size = layer.HeadSize!.Value;
        var map = summary.InputShape;
        long heads = map.Channels / size, keyHeads = keyChannels / size, positions = (long)map.Height * map.Width;
        string Heads(string x, string role, long count)
        {
            string split = g.Node("Reshape", $"{n}_{role}_heads", [x, g.Int64s($"{n}_{role}_shape", 0, count, size, positions)], $"{n}_{role}_split"); // 0: the batch, as it comes
            return g.Node("Transpose", $"{n}_{role}_t", [split], $"{n}_{role}", G.Ints("perm", 0, 1, 3, 2)); // (N, count, P, size)
        }

        string q = Heads(inputs[0], "q", heads), k = Heads(inputs[1], "k", keyHeads), v = Heads(inputs[2], "v", keyHeads);
        if (layer.Rotary)
        {
            var (cos, sin) = RotaryTables(g, n, positions, size);
            q = Rotate(g, $"{n}_q", q, cos, sin, size);
            k = Rotate(g, $"{n}_k", k, cos, sin, size);
        }
        if (cache is not null) (q, k, v) = OnnxKvCache.Apply(g, n, cache, q, k, v, heads);
        if (keyHeads < heads)
        {
            k = Shared(g, $"{n}_k", k, keyHeads, heads / keyHeads, positions, size);
            v = Shared(g, $"{n}_v", v, keyHeads, heads / keyHeads, positions, size);
        }
        string kT = g.Node("Transpose", $"{n}_k_transposed", [k], $"{n}_kT", G.Ints("perm", 0, 1, 3, 2));
        string scores = g.Node("Div", $"{n}_scale", [g.Node("MatMul", $"{n}_qk", [q, kT], $"{n}_qk_out"), g.Floats($"{n}_sqrt_size", [MathF.Sqrt(size)])], $"{n}_scores");
        if (patterns.Any(p => p is not DensePattern))
            scores = g.Node("Add", $"{n}_mask", [scores, HeadMasks(g, n, patterns, heads / keyHeads, map.Height, map.Width, layer.Causal)], $"{n}_masked");
        else if (layer.Causal)
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

    // -inf where a query head's pattern does not read the key, (heads, P, P): what the kernel's gathered blocks compute.
    // Page selection chooses its pages from the query at run time, which a constant cannot say.
    private static string HeadMasks(G g, string n, IReadOnlyList<HeadPattern> patterns, long share, int frames, int perFrame, bool causal)
    {
        if (patterns.FirstOrDefault(p => p is PageSelectionPattern) is { } pages)
            throw new NotSupportedException($"layer '{n}': {pages.Name} selects pages at run time and is not exported; export the layer dense");
        long positions = (long)frames * perFrame;
        var mask = new float[patterns.Count * share * positions * positions];
        for (int h = 0; h < patterns.Count * share; h++)
            for (int i = 0; i < positions; i++)
                for (int j = 0; j < positions; j++)
                    if (!patterns[(int)(h / share)].Reads(i, j, frames, perFrame, causal)) mask[(h * positions + i) * positions + j] = float.NegativeInfinity;
        return g.Floats($"{n}_pattern", mask, patterns.Count * share, positions, positions);
    }

    /// <summary>
    /// One decode step: the new token's query, key and value ((N, C, 1, 1) maps), its key turned by the rotary angle of
    /// <paramref name="position"/>, appended to the layer's cache (graph inputs <see cref="PastKeys"/> and
    /// <see cref="PastValues"/> + the layer's name, [N, kv heads, past, size]; outputs <see cref="PresentKeys"/> and
    /// <see cref="PresentValues"/>), and the query attending to every cached position (all of them precede it).
    /// </summary>
    public static void WriteDecodeStep(G g, LayerSpec layer, LayerSummary summary, int keyChannels, IReadOnlyList<string> inputs, string output, string position,
        KvCacheQuantizer? cache, IReadOnlyList<HeadPattern> patterns)
    {
        string n = layer.Name;
        if (patterns.FirstOrDefault(p => p is not DensePattern) is { } sparse)
            throw new NotSupportedException($"layer '{n}': a decode step is exported for dense heads only, not {sparse.Name}");
        int size = layer.HeadSize!.Value;
        var map = summary.InputShape;
        long heads = map.Channels / size, keyHeads = keyChannels / size;
        string Heads(string x, string role, long count) => // (N, count, 1, size)
            g.Node("Reshape", $"{n}_{role}_heads", [x, g.Int64s($"{n}_{role}_shape", 0, count, 1, size)], $"{n}_{role}");

        string q = Heads(inputs[0], "q", heads), k = Heads(inputs[1], "k", keyHeads), v = Heads(inputs[2], "v", keyHeads);
        if (layer.Rotary)
        {
            var (cosTable, sinTable) = RotaryTables(g, n, (long)map.Height * map.Width, size);
            string cos = g.Node("Gather", $"{n}_cos_at", [cosTable, position], $"{n}_cos_now", G.Int("axis", 0));
            string sin = g.Node("Gather", $"{n}_sin_at", [sinTable, position], $"{n}_sin_now", G.Int("axis", 0));
            q = Rotate(g, $"{n}_q", q, cos, sin, size);
            k = Rotate(g, $"{n}_k", k, cos, sin, size);
        }
        if (cache is not null) (q, k, v) = OnnxKvCache.Apply(g, n, cache, q, k, v, heads); // only the new token: the cache holds the rest as stored
        foreach (var (past, present) in new[] { (PastKeys, PresentKeys), (PastValues, PresentValues) })
        {
            g.Graph.Input.Add(G.FloatTensor(past + n, "batch", keyHeads, "past", size));
            g.Graph.Output.Add(G.FloatTensor(present + n, "batch", keyHeads, "total", size));
        }
        k = g.Node("Concat", $"{n}_append_k", [PastKeys + n, k], PresentKeys + n, G.Int("axis", 2));
        v = g.Node("Concat", $"{n}_append_v", [PastValues + n, v], PresentValues + n, G.Int("axis", 2));
        if (keyHeads < heads)
        {
            k = Shared(g, $"{n}_k", k, keyHeads, heads / keyHeads, -1, size);
            v = Shared(g, $"{n}_v", v, keyHeads, heads / keyHeads, -1, size);
        }
        string kT = g.Node("Transpose", $"{n}_k_transposed", [k], $"{n}_kT", G.Ints("perm", 0, 1, 3, 2));
        string scores = g.Node("Div", $"{n}_scale", [g.Node("MatMul", $"{n}_qk", [q, kT], $"{n}_qk_out"), g.Floats($"{n}_sqrt_size", [MathF.Sqrt(size)])], $"{n}_scores");
        string weights = g.Node("Softmax", $"{n}_softmax", [scores], $"{n}_weights", G.Int("axis", -1));
        string mixed = g.Node("MatMul", $"{n}_av", [weights, v], $"{n}_mixed"); // (N, heads, 1, size)
        g.Node("Reshape", n, [mixed, g.Int64s($"{n}_map_shape", 0, map.Channels, 1, 1)], output);
    }

    // cos and sin of position x theta_i, (P, size / 2), with the angles rounded to float as the kernel rounds them.
    private static (string Cos, string Sin) RotaryTables(G g, string n, long positions, int size)
    {
        int half = size / 2;
        var cos = new float[positions * half];
        var sin = new float[positions * half];
        for (long p = 0; p < positions; p++)
            for (int i = 0; i < half; i++)
            {
                float angle = (float)(p * Math.Pow(AttentionKernel.RotaryBase, -(double)i / half));
                cos[p * half + i] = MathF.Cos(angle);
                sin[p * half + i] = MathF.Sin(angle);
            }
        return (g.Floats($"{n}_cos", cos, positions, half), g.Floats($"{n}_sin", sin, positions, half));
    }

    // Channel i of each head turns with channel i + size/2: (a, b) -> (a cos - b sin, a sin + b cos).
    private static string Rotate(G g, string n, string x, string cos, string sin, int size)
    {
        int half = size / 2;
        string Slice(string name, long start, long end) =>
            g.Node("Slice", $"{n}_{name}", [x, g.Int64s($"{n}_{name}_start", start), g.Int64s($"{n}_{name}_end", end), g.Int64s($"{n}_{name}_axis", 3)], $"{n}_{name}_half");
        string a = Slice("first", 0, half), b = Slice("second", half, size);
        string Product(string name, string left, string right) => g.Node("Mul", $"{n}_{name}", [left, right], $"{n}_{name}_out");
        string turnedA = g.Node("Sub", $"{n}_rot_a", [Product("a_cos", a, cos), Product("b_sin", b, sin)], $"{n}_rotated_a");
        string turnedB = g.Node("Add", $"{n}_rot_b", [Product("a_sin", a, sin), Product("b_cos", b, cos)], $"{n}_rotated_b");
        return g.Node("Concat", $"{n}_rotated", [turnedA, turnedB], $"{n}_rotary", G.Int("axis", 3));
    }

    // (N, kv, P, size) -> (N, kv * share, P, size), query head h reading key head h / share (P = -1: as it comes).
    private static string Shared(G g, string n, string x, long keyHeads, long share, long positions, int size)
    {
        string single = g.Node("Reshape", $"{n}_one", [x, g.Int64s($"{n}_one_shape", 0, keyHeads, 1, positions, size)], $"{n}_single");
        string copies = g.Node("Expand", $"{n}_expand", [single, g.Int64s($"{n}_expand_shape", 1, 1, share, 1, 1)], $"{n}_copies");
        return g.Node("Reshape", $"{n}_shared", [copies, g.Int64s($"{n}_shared_shape", 0, keyHeads * share, positions, size)], $"{n}_per_query_head");
    }
}
