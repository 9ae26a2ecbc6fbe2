using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace AutoDesign.HardwareProfiler.Tests.Onnx;

public class OnnxExportTests
{
    private static SpecNetwork Network(string model, InputSpec input)
    {
        manual_seed(5);
        var network = new SpecNetwork(ModelZoo.Create(model, input, 10));
        using (no_grad())
            foreach (var (name, tensor) in network.state_dict())
            {
                if (name.EndsWith("running_var", StringComparison.Ordinal)) tensor.uniform_(0.5, 1.5);
                if (name.EndsWith("running_mean", StringComparison.Ordinal) || name.EndsWith("bn.bias", StringComparison.Ordinal)) tensor.uniform_(-0.2, 0.2);
            }
        network.eval();
        return network;
    }

    /// <summary>A conv with batch norm and a linear layer, both followed by <paramref name="activation"/>.</summary>
    internal static ModelSpec Activated(Activation activation) => new()
    {
        Name = "act",
        Input = new InputSpec(2, 8, 8),
        Classes = 10,
        Layers =
        [
            new LayerSpec { Name = "c", Op = LayerOp.Conv, Out = 6, Kernel = 3, BatchNorm = true, Activation = activation },
            new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 10, Activation = activation },
        ],
    };

    /// <summary>Every output within 1e-4 of the largest (plus 1e-5): what float rounding in another runtime leaves.</summary>
    private static void AssertSameOutputs(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs);
        Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4 * scale + 1e-5, $"{p.First} vs {p.Second}"));
    }

    private static float[] RunOnnx(byte[] model, TorchSharp.torch.Tensor input)
    {
        using var session = new InferenceSession(model);
        var data = input.contiguous().data<float>().ToArray();
        var tensor = new DenseTensor<float>(data, [.. input.shape.Select(d => (int)d)]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, tensor)]);
        return results.Single().AsEnumerable<float>().ToArray();
    }

    [Theory]
    [InlineData("lenet5", 1, 28)]
    [InlineData("vgg-small-w0.5", 3, 32)]
    [InlineData("resnet20", 1, 28)]
    [InlineData("mobilenetv2-small", 3, 32)]
    [InlineData("mobilenetv3-small", 3, 32)]
    [InlineData("efficientnet-b0-w0.5", 3, 32)]
    [InlineData("vit-w0.5-d0.5", 1, 28)] // patches, position embedding, layer norm, projections, attention
    public void Onnx_runtime_reproduces_torchsharp_outputs(string model, int channels, int size)
    {
        using var network = Network(model, new InputSpec(channels, size, size));
        using var scope = NewDisposeScope();
        var input = randn(3, channels, size, size);
        float[] expected;
        using (no_grad()) expected = network.forward(input).data<float>().ToArray();

        var actual = RunOnnx(OnnxExporter.Export(network).ToByteArray(), input);

        Assert.Equal(expected.Length, actual.Length);
        AssertSameOutputs(expected, actual);
    }

    /// <summary>Attention over a 4x4 map's 16 positions in two heads of 4, causal or not, rotary or not, with 1 or 2 key heads.</summary>
    private static ModelSpec Attending(bool causal, bool rotary = false, int keys = 8) => new()
    {
        Name = "attend", Input = new InputSpec(2, 8, 8), Classes = 10,
        Layers =
        [
            new LayerSpec { Name = "patches", Op = LayerOp.Conv, Out = 8, Kernel = 2, Stride = 2, Padding = 0 },
            new LayerSpec { Name = "q", Op = LayerOp.Projection, Out = 8, Inputs = ["patches"] },
            new LayerSpec { Name = "k", Op = LayerOp.Projection, Out = keys, Inputs = ["patches"] },
            new LayerSpec { Name = "v", Op = LayerOp.Projection, Out = keys, Inputs = ["patches"] },
            new LayerSpec { Name = "attention", Op = LayerOp.Attention, Inputs = ["q", "k", "v"], HeadSize = 4, Causal = causal, Rotary = rotary },
            new LayerSpec { Name = "o", Op = LayerOp.Projection, Out = 8 },
            new LayerSpec { Name = "pool", Op = LayerOp.GlobalAvgPool },
            new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 10 },
        ],
    };

    [Theory]
    [InlineData(false, false, 8)]
    [InlineData(true, false, 8)]
    [InlineData(true, true, 8)] // rotary
    [InlineData(false, true, 4)] // one key head shared by both query heads
    public void Attention_computes_in_onnx_runtime_what_it_computes_in_torchsharp(bool causal, bool rotary, int keys)
    {
        manual_seed(8);
        using var network = new SpecNetwork(Attending(causal, rotary, keys));
        network.eval();
        using var scope = NewDisposeScope();
        var input = randn(3, 2, 8, 8);
        float[] expected;
        using (no_grad()) expected = network.forward(input).data<float>().ToArray();

        var actual = RunOnnx(OnnxExporter.Export(network).ToByteArray(), input);

        AssertSameOutputs(expected, actual);
    }

    // The 4 x 4 map of patches as 4 frames of 4 places: a spatial and a temporal head, or streaming and block-sparse heads.
    [Theory]
    [InlineData(false, 8, "spatial", "temporal")]
    [InlineData(true, 8, "streaming-s1-w3", "blocks-b4-1000.1100.0110.1011")]
    [InlineData(true, 4, "streaming-s2-w2", null)] // one key head, both query heads streaming
    public void Attention_heads_with_sparse_patterns_compute_in_onnx_runtime_what_they_compute_in_torchsharp(bool causal, int keys, string first, string? second)
    {
        manual_seed(8);
        var spec = Attending(causal, keys: keys);
        spec = spec with { Layers = [.. spec.Layers.Select(l => l.Name == "attention" ? l with { Heads = second is null ? [first] : [first, second] } : l)] };
        using var network = new SpecNetwork(spec);
        network.eval();
        using var scope = NewDisposeScope();
        var input = randn(3, 2, 8, 8);
        float[] expected;
        using (no_grad()) expected = network.forward(input).data<float>().ToArray();

        AssertSameOutputs(expected, RunOnnx(OnnxExporter.Export(network).ToByteArray(), input));
        using var dense = new SpecNetwork(Attending(causal, keys: keys));
        dense.load_state_dict(network.state_dict());
        dense.eval();
        using (no_grad()) Assert.NotEqual(expected, dense.forward(input).data<float>().ToArray()); // the patterns change what is computed
    }

    [Fact]
    public void Page_selection_is_not_written_as_a_constant_mask()
    {
        var spec = ModelZoo.Create("gpt-w0.25-d0.5", InputSpec.Tokens(32, 30), 30);
        int heads = spec.Analyze().Layers.First(l => l.Op == LayerOp.Attention).InChannels / spec.Layers.First(l => l.Op == LayerOp.Attention).HeadSize!.Value;
        spec = spec with { Layers = [.. spec.Layers.Select(l => l.Op == LayerOp.Attention ? l with { Heads = [.. Enumerable.Repeat("pages-p8-b16", heads)] } : l)] };
        using var network = new SpecNetwork(spec);
        var error = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(network));
        Assert.Contains("pages-p8-b16 selects pages at run time", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpt-w0.25-d0.5")]
    [InlineData("llama-w0.25-d0.5")] // RMS norm, rotary, grouped-query attention, a gated MLP
    public void A_language_model_reads_token_ids_and_scores_every_position_in_onnx_runtime_as_in_torchsharp(string model)
    {
        manual_seed(9);
        using var network = new SpecNetwork(ModelZoo.Create(model, InputSpec.Tokens(24, 30), 30));
        network.eval();
        using var scope = NewDisposeScope();
        var tokens = randint(0, 30, [2, 24], dtype: ScalarType.Int64);
        float[] expected;
        using (no_grad()) expected = network.forward(tokens).data<float>().ToArray();

        using var session = new InferenceSession(OnnxExporter.Export(network).ToByteArray());
        var ids = new DenseTensor<long>(tokens.data<long>().ToArray(), [2, 24]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, ids)]);
        var output = results.Single().AsTensor<float>();

        Assert.Equal([2, 30, 1, 24], output.Dimensions.ToArray());
        AssertSameOutputs(expected, output.ToArray());
    }

    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.HardSigmoid)]
    [InlineData(Activation.HardSwish)]
    [InlineData(Activation.Silu)]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.GeluTanh)]
    public void Each_activation_computes_in_onnx_runtime_what_it_computes_in_torchsharp(Activation activation)
    {
        var spec = Activated(activation);
        Assert.Equal(activation, ModelSpecJson.Deserialize(ModelSpecJson.Serialize(spec)).Layers[0].Activation);
        manual_seed(3);
        using var network = new SpecNetwork(spec);
        network.eval();
        using var scope = NewDisposeScope();
        var input = randn(4, 2, 8, 8) * 3; // wide enough to reach every piece of the piecewise activations
        float[] expected;
        using (no_grad()) expected = network.forward(input).data<float>().ToArray();

        var actual = RunOnnx(OnnxExporter.Export(network).ToByteArray(), input);

        AssertSameOutputs(expected, actual);
    }

    [Fact]
    public void Concat_mul_upsample_layer_norm_and_grouped_convs_compute_in_onnx_runtime_what_they_compute_in_torchsharp()
    {
        var spec = new ModelSpec
        {
            Name = "ops",
            Input = new InputSpec(4, 8, 8),
            Classes = 5,
            Layers =
            [
                new LayerSpec { Name = "a", Op = LayerOp.Conv, Out = 6, Kernel = 3, Inputs = [] },
                new LayerSpec { Name = "b", Op = LayerOp.Conv, Out = 10, Kernel = 3, Groups = 2, BatchNorm = true, Inputs = [] },
                new LayerSpec { Name = "joined", Op = LayerOp.Concat, Inputs = ["a", "b"] },
                new LayerSpec { Name = "norm", Op = LayerOp.LayerNorm },
                new LayerSpec { Name = "pool", Op = LayerOp.GlobalAvgPool },
                new LayerSpec { Name = "gate", Op = LayerOp.Linear, Out = 16, Activation = Activation.HardSigmoid },
                new LayerSpec { Name = "scaled", Op = LayerOp.Mul, Inputs = ["norm", "gate"] },
                new LayerSpec { Name = "squared", Op = LayerOp.Mul, Inputs = ["scaled", "scaled"] },
                new LayerSpec { Name = "down", Op = LayerOp.MaxPool, Kernel = 2, Stride = 2, Padding = 0 },
                new LayerSpec { Name = "up", Op = LayerOp.Upsample, Scale = 2, Activation = Activation.Relu },
                new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 5 },
            ],
        };
        manual_seed(4);
        using var network = new SpecNetwork(spec);
        network.eval();
        using var scope = NewDisposeScope();
        using (no_grad())
            foreach (var (name, p) in network.named_parameters())
                if (name.StartsWith("norm.", StringComparison.Ordinal)) p.uniform_(-1, 1);
        var input = randn(3, 4, 8, 8);
        float[] expected;
        using (no_grad()) expected = network.forward(input).data<float>().ToArray();

        var actual = RunOnnx(OnnxExporter.Export(network).ToByteArray(), input);

        AssertSameOutputs(expected, actual);
    }

    [Theory]
    [InlineData(new[] { 8, 4, 3, 6, 2, 5, 8, 7 })]
    [InlineData(new[] { 8 })]
    [InlineData(new[] { 32, 8 })]
    [InlineData(new[] { 8, 32 })]
    public void A_fake_quantized_network_at_any_bit_widths_is_exported_as_it_computes(int[] bits)
    {
        using var network = Network("vgg-small-w0.5", new InputSpec(1, 28, 28));
        var layers = network.Spec.Layers.Where(l => l.HasWeights).Select(l => l.Name).ToList();
        network.Quantize(layers.Select((name, i) => (name, q: new Modeling.Quantization.LayerQuantization(bits[i % bits.Length], bits[(i + 3) % bits.Length],
            ActivationClip: i == 0 ? 2.5f : 1.5f, SignedInput: i == 0))).ToDictionary(p => p.name, p => p.q));
        using var scope = NewDisposeScope();
        var input = randn(16, 1, 28, 28);
        float[] expected;
        using (no_grad()) expected = network.forward(input).data<float>().ToArray();
        float[] unquantized;
        using (no_grad())
        {
            var saved = network.Quantization;
            network.Quantize(null);
            unquantized = network.forward(input).data<float>().ToArray();
            network.Quantize(saved);
        }

        var actual = RunOnnx(OnnxExporter.Export(network).ToByteArray(), input);

        // Two float engines sum in different orders (and ONNX Runtime fuses kernels), so now and then an activation
        // lands on the other side of a rounding boundary and moves one step: the file matches the network up to such
        // flips, far closer than the unquantized network does (measured: 1 to 11 % of the quantization's effect).
        static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second)));
        double exported = Distance(expected, actual), quantization = Distance(expected, unquantized);
        Assert.True(exported < 0.2 * quantization, $"the exported file is {exported:G3} from the network, quantization moves it {quantization:G3}");
    }

    [Fact]
    public void Int8_layers_run_as_integer_operators_and_stay_close_to_float()
    {
        using var network = Network("vgg-small-w0.5", new InputSpec(1, 28, 28));
        using var scope = NewDisposeScope();
        var input = randn(16, 1, 28, 28);
        var int8 = network.Spec.Layers.Where(l => l.HasWeights).Select(l => l.Name).ToHashSet();
        var model = OnnxExporter.Export(network, new OnnxExportOptions { Int8Layers = int8, CalibrationImages = input });

        Assert.Contains(model.Graph.Node, n => n.OpType == "QuantizeLinear");
        Assert.Contains(model.Graph.Initializer, t => t.DataType == (int)global::Onnx.TensorProto.Types.DataType.Int8 && t.Name == "conv1_1.weight_q");
        float[] expected;
        using (no_grad()) expected = network.forward(input).data<float>().ToArray();
        var actual = RunOnnx(model.ToByteArray(), input);
        double scale = expected.Max(Math.Abs);
        double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst < 0.1 * scale, $"int8 error {worst} at output scale {scale}");
    }

    [Fact]
    public void The_onnxruntime_target_measures_float_and_int8_with_per_layer_figures()
    {
        var spec = ModelZoo.Create("resnet20-w0.5", new InputSpec(1, 28, 28), 10);
        var target = new OnnxRuntimeTarget(new AutoDesign.HardwareProfiler.Measured.MeasurementOptions { WarmupRuns = 2, MinRuns = 10, MinTime = TimeSpan.Zero });

        var fp32 = target.Measure(spec);
        var int8 = target.Measure(spec, PrecisionPolicy.Uniform(8, 8));
        var w4 = target.Measure(spec, PrecisionPolicy.Uniform(4, 4));

        Assert.Equal(TargetKind.Measured, fp32.Kind);
        Assert.Equal("float32", fp32.Conditions["precision"]);
        Assert.StartsWith("int8 in 22 of 22", int8.Conditions["precision"]);
        Assert.Contains("no narrower kernels", w4.Conditions["note"]);
        Assert.True(fp32.Latency.Value > 0 && int8.Latency.Value > 0);
        Assert.Equal(spec.Layers.Count, fp32.Layers.Count);
        Assert.True(fp32.Layers.Single(l => l.Layer == "s1b1_conv1").Latency.Value > 0, "per-layer times come from the profiler");
    }

    [Fact]
    public void The_export_is_named_after_the_layers_and_has_a_free_batch_dimension()
    {
        using var network = Network("resnet20-w0.5", new InputSpec(1, 28, 28));
        var model = OnnxExporter.Export(network);

        Assert.Equal("batch", model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Contains(model.Graph.Node, n => n.Name == "s2b1_shortcut" && n.OpType == "Conv");
        Assert.Contains(model.Graph.Node, n => n.Name == "s2b1_add" && n.OpType == "Add");
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "BatchNormalization"); // folded into the convs
        Assert.Equal(13, model.OpsetImport[0].Version);
    }
}
