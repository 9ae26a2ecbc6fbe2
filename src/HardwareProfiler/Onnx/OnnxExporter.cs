using AutoDesign.Modeling.Quantization;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;
using G = AutoDesign.HardwareProfiler.Onnx.OnnxGraphBuilder;

namespace AutoDesign.HardwareProfiler.Onnx;

/// <summary>
/// Writes a <see cref="SpecNetwork"/> as an ONNX graph (opset 13) for inference: batch norm is folded into the
/// preceding conv, nodes are named after the layers, and the batch dimension is free. Layers listed in
/// <see cref="OnnxExportOptions.Int8Layers"/> are exported in QDQ form, the layout ONNX Runtime fuses into integer
/// kernels: input and output activations are quantized to uint8 (asymmetric, range from calibration) and weights to
/// int8 (symmetric, one scale per output channel), i.e. DQ(input), DQ(weights) -> op -> activation -> Q -> DQ.
/// Other layers the network fake-quantizes (<see cref="SpecNetwork.Quantization"/>, at any bit-width) are written as
/// the network computes them: weights quantized and dequantized, the input clipped and rounded to its step, so that
/// the file scores what the search scored.
/// </summary>
public static class OnnxExporter
{
    public const string InputName = "input", OutputName = "logits", PositionName = "position";

    /// <summary>A decode step's cache inputs and outputs, each followed by the attention layer's name.</summary>
    public const string PastKeys = "past_keys.", PastValues = "past_values.", PresentKeys = "present_keys.", PresentValues = "present_values.";

    public static ModelProto Export(SpecNetwork network, OnnxExportOptions? options = null)
    {
        options ??= new OnnxExportOptions();
        var spec = network.Spec;
        var analysis = network.Analysis;
        var graph = new GraphProto { Name = spec.Name };
        var g = new G(graph);
        bool decode = options.DecodeStep;
        if (decode && !spec.Input.IsTokens) throw new NotSupportedException($"{spec.Name} reads images: only a language model has a decode step");
        graph.Input.Add(spec.Input.IsTokens
            ? G.Tensor(InputName, TensorProto.Types.DataType.Int64, "batch", decode ? 1 : spec.Input.Width) // token ids, as language-model runtimes take them
            : G.FloatTensor(InputName, "batch", spec.Input.Channels, spec.Input.Height, spec.Input.Width));
        if (decode) graph.Input.Add(G.Tensor(PositionName, TensorProto.Types.DataType.Int64, 1));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        network.eval();
        var state = network.state_dict();
        var ranges = options.Int8Layers.Count > 0 ? ActivationRanges(network, options) : [];
        var dequantized = new Dictionary<string, string>(); // an int8 layer's output -> its Q/DQ'd version, which every consumer reads
        string Read(string tensor) => dequantized.TryGetValue(tensor, out var dq) ? dq : tensor;

        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            var summary = analysis.Layers[i];
            var inputs = spec.InputsOf(i);
            string x = inputs.Count == 0 ? InputName : inputs[0];
            string output = i == spec.Layers.Count - 1 ? OutputName : layer.Name;
            string raw = layer.Activation == Activation.None ? output : $"{layer.Name}_preact";
            bool int8 = options.Int8Layers.Contains(layer.Name);
            var simulated = network.Quantization?.GetValueOrDefault(layer.Name);

            switch (layer.Op)
            {
                case LayerOp.Conv or LayerOp.DepthwiseConv:
                {
                    var (weight, bias) = FoldedConv(state, layer, int8 ? null : simulated);
                    string input = int8 ? Quantized(g, dequantized, x, $"{layer.Name}_in", ranges[layer.Name].Input) : Simulated(g, layer.Name, Read(x), simulated);
                    string w = int8 ? Int8Weights(g, layer.Name, weight) : g.Floats($"{layer.Name}.weight", Data(weight), weight.shape);
                    string b = g.Floats($"{layer.Name}.bias", Data(bias), bias.shape[0]);
                    int pad = layer.EffectivePadding;
                    g.Node("Conv", layer.Name, [input, w, b], raw,
                        G.Ints("kernel_shape", layer.Kernel, layer.Kernel), G.Ints("strides", layer.Stride, layer.Stride),
                        G.Ints("pads", pad, pad, pad, pad), G.Int("group", summary.Groups));
                    break;
                }
                case LayerOp.Linear:
                {
                    if (!summary.InputShape.Flat) x = g.Node("Flatten", $"{layer.Name}_flatten", [Read(x)], $"{layer.Name}_flat", G.Int("axis", 1));
                    var weight = SimulatedWeights(state[$"{layer.Name}.fc.weight"], int8 ? null : simulated);
                    var bias = state[$"{layer.Name}.fc.bias"];
                    string input = int8 ? Quantized(g, dequantized, x, $"{layer.Name}_in", ranges[layer.Name].Input) : Simulated(g, layer.Name, Read(x), simulated);
                    string w = int8 ? Int8Weights(g, layer.Name, weight) : g.Floats($"{layer.Name}.weight", Data(weight), weight.shape);
                    g.Node("Gemm", layer.Name, [input, w, g.Floats($"{layer.Name}.bias", Data(bias), bias.shape[0])], raw, G.Int("transB", 1));
                    break;
                }
                case LayerOp.MaxPool or LayerOp.AvgPool:
                {
                    int pad = layer.EffectivePadding;
                    var attributes = new List<AttributeProto> { G.Ints("kernel_shape", layer.Kernel, layer.Kernel), G.Ints("strides", layer.Stride, layer.Stride), G.Ints("pads", pad, pad, pad, pad) };
                    if (layer.Op == LayerOp.AvgPool) attributes.Add(G.Int("count_include_pad", 1)); // as torch's avg_pool2d
                    g.Node(layer.Op == LayerOp.MaxPool ? "MaxPool" : "AveragePool", layer.Name, [Read(x)], raw, [.. attributes]);
                    break;
                }
                case LayerOp.GlobalAvgPool:
                    g.Node("Flatten", $"{layer.Name}_flatten", [g.Node("GlobalAveragePool", layer.Name, [Read(x)], $"{layer.Name}_map")], raw, G.Int("axis", 1));
                    break;
                case LayerOp.Add:
                {
                    string sum = Read(inputs[0]);
                    for (int k = 1; k < inputs.Count; k++)
                        sum = g.Node("Add", k == 1 ? layer.Name : $"{layer.Name}_{k}", [sum, Read(inputs[k])], k == inputs.Count - 1 ? raw : $"{layer.Name}_partial{k}");
                    break;
                }
                case LayerOp.Concat:
                    g.Node("Concat", layer.Name, inputs.Select(Read), raw, G.Int("axis", 1));
                    break;
                case LayerOp.Mul:
                {
                    string gate = Read(inputs[1]);
                    var gateShape = analysis[inputs[1]].OutputShape;
                    if (gateShape.Flat && !summary.InputShape.Flat) // one value per channel: (N, C) -> (N, C, 1, 1)
                        gate = g.Node("Unsqueeze", $"{layer.Name}_gate", [gate, g.Int64s($"{layer.Name}_gate_axes", 2, 3)], $"{layer.Name}_gate_map");
                    g.Node("Mul", layer.Name, [Read(x), gate], raw);
                    break;
                }
                case LayerOp.Upsample:
                {
                    // Nearest with the asymmetric mapping and floor, as torch's interpolate(mode="nearest").
                    float scale = layer.Scale!.Value;
                    g.Node("Resize", layer.Name, [Read(x), "", g.Floats($"{layer.Name}_scales", [1f, 1f, scale, scale], 4)], raw,
                        G.String("mode", "nearest"), G.String("coordinate_transformation_mode", "asymmetric"), G.String("nearest_mode", "floor"));
                    break;
                }
                case LayerOp.LayerNorm:
                    LayerNorm(g, layer, summary, state, Read(x), raw);
                    break;
                case LayerOp.Projection when network.DeployedFormat(layer.Name) is { Format.IsQuantized: true } kernel:
                    OnnxFormats.Write(g, layer, summary, kernel, Read(x), raw, decode ? 1 : summary.OutputShape.Width);
                    break;
                case LayerOp.Projection when simulated is null && !int8:
                {
                    var weight = state[$"{layer.Name}.fc.weight"];
                    var bias = state[$"{layer.Name}.fc.bias"];
                    g.Node("Conv", layer.Name, [Read(x), g.Floats($"{layer.Name}.weight", Data(weight), weight.shape[0], weight.shape[1], 1, 1),
                        g.Floats($"{layer.Name}.bias", Data(bias), bias.shape[0])], raw, G.Ints("kernel_shape", 1, 1));
                    break;
                }
                case LayerOp.PositionEmbedding:
                {
                    var weight = state[$"{layer.Name}.weight"];
                    string table = g.Floats($"{layer.Name}.weight", Data(weight), weight.shape);
                    if (decode) table = g.Node("Gather", $"{layer.Name}_at", [table, PositionName], $"{layer.Name}_column", G.Int("axis", 2)); // (C, 1, 1)
                    g.Node("Add", layer.Name, [Read(x), table], raw);
                    break;
                }
                case LayerOp.Attention when decode:
                    OnnxAttention.WriteDecodeStep(g, layer, summary, analysis[inputs[1]].OutputShape.Channels, [.. inputs.Select(Read)], raw, PositionName,
                        network.DeployedCache(layer.Name), network.HeadPatternsOf(layer.Name));
                    break;
                case LayerOp.Attention:
                    OnnxAttention.Write(g, layer, summary, analysis[inputs[1]].OutputShape.Channels, [.. inputs.Select(Read)], raw, network.DeployedCache(layer.Name),
                        network.HeadPatternsOf(layer.Name));
                    break;
                case LayerOp.Embedding:
                {
                    var table = state[$"{layer.Name}.embedding.weight"];
                    string rows = g.Node("Gather", layer.Name, [g.Floats($"{layer.Name}.weight", Data(table), table.shape), x], $"{layer.Name}_rows"); // (N, T, D)
                    string channels = g.Node("Transpose", $"{layer.Name}_channels", [rows], $"{layer.Name}_by_channel", G.Ints("perm", 0, 2, 1));
                    g.Node("Unsqueeze", $"{layer.Name}_map", [channels, g.Int64s($"{layer.Name}_axes", 2)], raw); // (N, D, 1, T)
                    break;
                }
                case LayerOp.RmsNorm:
                {
                    string n = layer.Name, input = Read(x);
                    var weight = state[$"{n}.weight"];
                    string square = g.Node("Mul", $"{n}_square", [input, input], $"{n}_squared");
                    string mean = g.Node("ReduceMean", $"{n}_mean", [square], $"{n}_mean_square", G.Ints("axes", 1), G.Int("keepdims", 1));
                    string rms = g.Node("Sqrt", $"{n}_sqrt", [g.Node("Add", $"{n}_epsilon", [mean, g.Floats($"{n}_eps", [(float)layer.EffectiveEpsilon])], $"{n}_shifted")], $"{n}_rms");
                    string normalised = g.Node("Div", $"{n}_divide", [input, rms], $"{n}_normalised");
                    g.Node("Mul", n, [normalised, g.Floats($"{n}.weight", Data(weight), weight.shape[0], 1, 1)], raw);
                    break;
                }
                default:
                    throw new NotSupportedException($"layer '{layer.Name}': {layer.Op} layers are not exported to ONNX yet");
            }

            if (layer.Activation != Activation.None) Activate(g, layer, raw, output);
            if (int8 && output != OutputName) Quantized(g, dequantized, output, $"{layer.Name}_out", ranges[layer.Name].Output);
        }

        graph.Output.Add(spec.Input.IsTokens
            ? G.FloatTensor(OutputName, "batch", spec.Classes, 1, decode ? 1 : spec.Input.Width) // the scores of the next token at every position
            : G.FloatTensor(OutputName, "batch", spec.Classes));
        var model = new ModelProto { IrVersion = 8, ProducerName = "AutoDesign", ProducerVersion = "1", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        if (graph.Node.Any(node => node.Domain == OnnxFormats.MicrosoftDomain))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxFormats.MicrosoftDomain, Version = 1 });
        return model;
    }

    // Layer norm over axis 1 in opset 13's operators (LayerNormalization came in opset 17): (x - mean) / sqrt(var + eps) * w + b.
    private static void LayerNorm(G g, LayerSpec layer, LayerSummary summary, IReadOnlyDictionary<string, Tensor> state, string x, string output)
    {
        string n = layer.Name;
        long[] perChannel = summary.InputShape.Flat ? [summary.OutChannels] : [summary.OutChannels, 1, 1];
        string mean = g.Node("ReduceMean", $"{n}_mean", [x], $"{n}_mean_out", G.Ints("axes", 1), G.Int("keepdims", 1));
        string centred = g.Node("Sub", $"{n}_centre", [x, mean], $"{n}_centred");
        string square = g.Node("Mul", $"{n}_square", [centred, centred], $"{n}_squared");
        string variance = g.Node("ReduceMean", $"{n}_variance", [square], $"{n}_variance_out", G.Ints("axes", 1), G.Int("keepdims", 1));
        string shifted = g.Node("Add", $"{n}_epsilon", [variance, g.Floats($"{n}_eps", [(float)layer.EffectiveEpsilon])], $"{n}_shifted");
        string deviation = g.Node("Sqrt", $"{n}_sqrt", [shifted], $"{n}_deviation");
        string normalised = g.Node("Div", $"{n}_normalise", [centred, deviation], $"{n}_normalised");
        string scaled = g.Node("Mul", $"{n}_scale", [normalised, g.Floats($"{n}.weight", Data(state[$"{n}.weight"]), perChannel)], $"{n}_scaled");
        g.Node("Add", n, [scaled, g.Floats($"{n}.bias", Data(state[$"{n}.bias"]), perChannel)], output);
    }

    public static void Save(ModelProto model, string path) => File.WriteAllBytes(path, model.ToByteArray());

    // Conv weights and bias with the following batch norm folded in: w' = w * g / sqrt(v + e), b' = beta + (b - m) * g / sqrt(v + e).
    private static (Tensor Weight, Tensor Bias) FoldedConv(IReadOnlyDictionary<string, Tensor> state, LayerSpec layer, LayerQuantization? quantization)
    {
        var weight = SimulatedWeights(state[$"{layer.Name}.conv.weight"], quantization);
        var bias = state.TryGetValue($"{layer.Name}.conv.bias", out var b) ? b : zeros(weight.shape[0]);
        if (!layer.BatchNorm) return (weight, bias);
        var factor = state[$"{layer.Name}.bn.weight"] / (state[$"{layer.Name}.bn.running_var"] + SpecNetwork.BatchNormEpsilon).sqrt();
        return (weight * factor.reshape(-1, 1, 1, 1), state[$"{layer.Name}.bn.bias"] + (bias - state[$"{layer.Name}.bn.running_mean"]) * factor);
    }

    // A fake-quantized layer's weights as the network uses them: quantized and dequantized at its weight bits.
    private static Tensor SimulatedWeights(Tensor weight, LayerQuantization? quantization) =>
        quantization is { WeightBits: < 32 } q ? FakeQuantize.Weights(weight, q.WeightBits) : weight;

    // A fake-quantized layer's input exactly as the network computes it: clipped to its range, divided by the step
    // clip / levels, rounded (half to even, as torch) and scaled back. Written with Div, Round and Mul rather than
    // QuantizeLinear/DequantizeLinear: ONNX Runtime fuses Q/DQ pairs into integer kernels that round differently.
    private static string Simulated(G g, string layer, string input, LayerQuantization? quantization)
    {
        if (quantization is not { ActivationBits: < 32 } q) return input;
        float clip = Math.Max(q.ActivationClip, 1e-8f);
        float levels = Math.Max(1, q.SignedInput ? (1 << (q.ActivationBits - 1)) - 1 : (1 << q.ActivationBits) - 1);
        string step = g.Floats($"{layer}_in_step", [clip / levels]);
        string clipped = g.Node("Clip", $"{layer}_in_clip", [input, g.Floats($"{layer}_in_low", [q.SignedInput ? -clip : 0f]), g.Floats($"{layer}_in_high", [clip])], $"{layer}_in_clipped");
        string rounded = g.Node("Round", $"{layer}_in_round", [g.Node("Div", $"{layer}_in_divide", [clipped, step], $"{layer}_in_steps")], $"{layer}_in_levels");
        return g.Node("Mul", $"{layer}_in_quantize", [rounded, step], $"{layer}_in_quantized");
    }

    // Q -> DQ of a float tensor with uint8 parameters for its range; a tensor is quantized once and shared by its consumers.
    private static string Quantized(G g, Dictionary<string, string> done, string tensor, string name, (float Min, float Max) range)
    {
        if (done.TryGetValue(tensor, out var existing)) return existing;
        float min = Math.Min(range.Min, 0f), max = Math.Max(range.Max, 1e-6f);
        float scale = (max - min) / 255f;
        byte zeroPoint = (byte)Math.Clamp(Math.Round(-min / scale), 0, 255);
        string s = g.Floats($"{name}_scale", [scale]);
        string zero = g.Initializer($"{name}_zero", TensorProto.Types.DataType.Uint8, [], [zeroPoint]);
        string q = g.Node("QuantizeLinear", $"{name}_quantize", [tensor, s, zero], $"{name}_q");
        return done[tensor] = g.Node("DequantizeLinear", $"{name}_dequantize", [q, s, zero], $"{name}_dq");
    }

    // Symmetric per-output-channel int8 weights: scale = max |w| / 127 per channel.
    private static string Int8Weights(G g, string layer, Tensor weight)
    {
        var flat = weight.flatten(1);
        var scale = flat.abs().amax([1]).clamp_min(1e-8f) / 127f;
        var quantized = (flat / scale.unsqueeze(1)).round().clamp(-127, 127).to_type(ScalarType.Int8).reshape(weight.shape);
        string q = g.Int8s($"{layer}.weight_q", quantized.data<sbyte>().ToArray(), weight.shape);
        string s = g.Floats($"{layer}.weight_scale", Data(scale), scale.shape[0]);
        string zero = g.Initializer($"{layer}.weight_zero", TensorProto.Types.DataType.Int8, [scale.shape[0]], new byte[scale.shape[0]]);
        return g.Node("DequantizeLinear", $"{layer}_weight_dequantize", [q, s, zero], $"{layer}_weight_dq", G.Int("axis", 0));
    }

    // Value ranges of each int8 layer's input and output (after its activation) on the calibration images.
    /// <summary>The layer's activation from <paramref name="raw"/> to <paramref name="output"/>, in opset 13's operators.</summary>
    private static void Activate(OnnxGraphBuilder g, LayerSpec layer, string raw, string output)
    {
        string n = layer.Name;
        string Constant(string name, float value) => g.Floats($"{n}_{name}", [value]);
        string HardSigmoid(string into) => g.Node("HardSigmoid", $"{n}_hardsigmoid", [raw], into, OnnxGraphBuilder.Float("alpha", 1f / 6), OnnxGraphBuilder.Float("beta", 0.5f));
        switch (layer.Activation)
        {
            case Activation.Relu: g.Node("Relu", $"{n}_relu", [raw], output); break;
            case Activation.Relu6: g.Node("Clip", $"{n}_relu6", [raw, Constant("min", 0f), Constant("max", 6f)], output); break;
            case Activation.Sigmoid: g.Node("Sigmoid", $"{n}_sigmoid", [raw], output); break;
            case Activation.HardSigmoid: HardSigmoid(output); break;
            case Activation.HardSwish: g.Node("Mul", $"{n}_hardswish", [raw, HardSigmoid($"{n}_gate")], output); break;
            case Activation.Silu: g.Node("Mul", $"{n}_silu", [raw, g.Node("Sigmoid", $"{n}_sigmoid", [raw], $"{n}_gate")], output); break;
            case Activation.Gelu:
            {
                string scaled = g.Node("Div", $"{n}_gelu_scale", [raw, Constant("sqrt2", MathF.Sqrt(2f))], $"{n}_gelu_scaled");
                string erf = g.Node("Erf", $"{n}_gelu_erf", [scaled], $"{n}_gelu_erfed");
                string cdf = g.Node("Add", $"{n}_gelu_one", [erf, Constant("one", 1f)], $"{n}_gelu_cdf");
                string product = g.Node("Mul", $"{n}_gelu_mul", [raw, cdf], $"{n}_gelu_product");
                g.Node("Mul", $"{n}_gelu", [product, Constant("half", 0.5f)], output);
                break;
            }
            case Activation.GeluTanh:
            {
                string square = g.Node("Mul", $"{n}_gelu_square", [raw, raw], $"{n}_gelu_x2");
                string cube = g.Node("Mul", $"{n}_gelu_cube", [square, raw], $"{n}_gelu_x3");
                string term = g.Node("Mul", $"{n}_gelu_term", [cube, Constant("c", 0.044715f)], $"{n}_gelu_cx3");
                string inner = g.Node("Add", $"{n}_gelu_inner", [raw, term], $"{n}_gelu_sum");
                string scaled = g.Node("Mul", $"{n}_gelu_scale", [inner, Constant("k", MathF.Sqrt(2f / MathF.PI))], $"{n}_gelu_scaled");
                string tanh = g.Node("Tanh", $"{n}_gelu_tanh", [scaled], $"{n}_gelu_tanhed");
                string cdf = g.Node("Add", $"{n}_gelu_one", [tanh, Constant("one", 1f)], $"{n}_gelu_cdf");
                string product = g.Node("Mul", $"{n}_gelu_mul", [raw, cdf], $"{n}_gelu_product");
                g.Node("Mul", $"{n}_gelu", [product, Constant("half", 0.5f)], output);
                break;
            }
            default: throw new NotSupportedException($"layer '{n}': activation {layer.Activation} has no ONNX form");
        }
    }

    private static Dictionary<string, ((float Min, float Max) Input, (float Min, float Max) Output)> ActivationRanges(SpecNetwork network, OnnxExportOptions options)
    {
        var spec = network.Spec;
        var images = options.CalibrationImages ?? randn(32, spec.Input.Channels, spec.Input.Height, spec.Input.Width);
        var inputs = new Dictionary<string, (float, float)>();
        var outputs = network.ForwardAll(images);
        network.Forward(images, (name, input) =>
        {
            if (options.Int8Layers.Contains(name)) inputs[name] = (input.min().item<float>(), input.max().item<float>());
        });
        return inputs.ToDictionary(p => p.Key, p => (p.Value, (outputs[p.Key].min().item<float>(), outputs[p.Key].max().item<float>())));
    }

    private static float[] Data(Tensor t) => t.contiguous().data<float>().ToArray();
}

/// <summary>What to export as int8 (layers with weights), and images to calibrate their input scales (random if none).</summary>
public sealed record OnnxExportOptions
{
    public IReadOnlySet<string> Int8Layers { get; init; } = new HashSet<string>();

    /// <summary>
    /// A language model's decode step instead of its whole window: one token id per sequence ([batch, 1]), its
    /// <c>position</c> ([1], int64), and each attention layer's cache so far (<c>past_keys.LAYER</c> and
    /// <c>past_values.LAYER</c>, [batch, kv heads, past, head size]) in; the next token's scores ([batch, V, 1, 1])
    /// and the caches with this token appended (<c>present_keys.LAYER</c>, <c>present_values.LAYER</c>) out.
    /// </summary>
    public bool DecodeStep { get; init; }

    public Tensor? CalibrationImages { get; init; }
}
