using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.Modeling.Import;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using Google.Protobuf;
using static AutoDesign.HardwareProfiler.Tests.Onnx.TestGraph;
using static TorchSharp.torch;

namespace AutoDesign.HardwareProfiler.Tests.Onnx;

/// <summary>ONNX files read back as specs and weights that compute what the file computes (checked in ONNX Runtime).</summary>
public class OnnxImportTests
{
    private static byte[] Exported(string model, InputSpec input)
    {
        manual_seed(9);
        using var network = new SpecNetwork(ModelZoo.Create(model, input, 10));
        using (no_grad())
            foreach (var (name, t) in network.state_dict())
            {
                if (name.EndsWith("running_var", StringComparison.Ordinal)) t.uniform_(0.5, 1.5);
                if (name.EndsWith("running_mean", StringComparison.Ordinal) || name.EndsWith("bn.bias", StringComparison.Ordinal)) t.uniform_(-0.2, 0.2);
            }
        network.eval();
        return OnnxExporter.Export(network).ToByteArray();
    }

    private static ImportedModel CheckedImport(byte[] file, string name = "imported")
    {
        var imported = OnnxImporter.Import(file, name);
        var check = ImportCheck.Run(file, imported);
        Assert.True(check.TorchSharpDifference < 1e-4, $"TorchSharp differs from the original by {check.TorchSharpDifference:E2}");
        Assert.True(check.ReexportDifference < 1e-4, $"the re-exported file differs from the original by {check.ReexportDifference:E2}");
        return imported;
    }

    [Theory]
    [InlineData("lenet5", 1, 28)]
    [InlineData("resnet20", 3, 32)]
    [InlineData("mobilenetv2-small", 3, 32)]
    [InlineData("mobilenetv3-small", 3, 64)]
    [InlineData("efficientnet-b0-w0.5", 3, 32)]
    public void An_exported_zoo_model_imports_as_the_same_network(string model, int channels, int size)
    {
        var input = new InputSpec(channels, size, size);
        var original = ModelZoo.Create(model, input, 10).Analyze();

        var imported = CheckedImport(Exported(model, input));

        var analysis = imported.Spec.Analyze();
        Assert.Equal(original.Macs, analysis.Macs);
        Assert.Equal(original.Layers.Count(l => l.Op is LayerOp.Conv or LayerOp.DepthwiseConv or LayerOp.Linear),
            analysis.Layers.Count(l => l.Op is LayerOp.Conv or LayerOp.DepthwiseConv or LayerOp.Linear));
        Assert.Equal(input, imported.Spec.Input);
        Assert.Equal(10, imported.Spec.Classes);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(17)]
    public void A_network_exported_by_pytorch_imports_as_the_same_network(int opset)
    {
        var file = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", $"fixture-opset{opset}.onnx"));

        var imported = CheckedImport(file);

        var layers = imported.Spec.Layers.ToDictionary(l => l.Name);
        Assert.Equal(Activation.HardSwish, layers["stem_0"].Activation);
        Assert.Equal(Activation.Silu, layers["expand_0"].Activation);
        Assert.Equal(Activation.Relu6, layers["depthwise_0"].Activation);
        Assert.Equal(LayerOp.DepthwiseConv, layers["depthwise_0"].Op);
        Assert.Equal(Activation.Gelu, layers["grouped_0"].Activation);
        Assert.Equal(Activation.GeluTanh, layers["head_0"].Activation);
        Assert.Equal(4, layers["grouped_0"].Groups);
        Assert.Equal(Activation.HardSigmoid, layers["se_excite"].Activation);
        Assert.Equal(["depthwise_0", "se_excite"], layers["se"].Inputs);
        Assert.Equal(2, layers["up"].Scale);
        Assert.Equal(LayerOp.Concat, layers["concat"].Op);
        Assert.Equal(new InputSpec(1, 28, 28), imported.Spec.Input);
    }

    [Fact]
    public void Batch_norm_pad_concat_resize_pools_and_a_flattening_reshape_import_as_layers()
    {
        var g = new TestGraph(3, 8, 8).Opset(14); // HardSwish came in opset 14
        string padded = g.Node("Pad", "pad", ["x", g.Longs("pads", 0, 0, 1, 1, 0, 0, 1, 1)]);
        string conv = g.Node("Conv", "stem", [padded, g.Random("w1", 8, 3, 3, 3), g.Random("b1", 8)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        string bn = g.Node("BatchNormalization", "stem_bn", [conv, g.Positive("s1", 8), g.Random("t1", 8), g.Random("m1", 8), g.Positive("v1", 8)], Float("epsilon", 1e-3f));
        string relu6 = g.Node("Clip", "stem_act", [bn, g.Floats("zero", [0f]), g.Floats("six", [6f])]);
        string grouped = g.Node("Conv", "grouped", [relu6, g.Random("w2", 8, 2, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Int("group", 4));
        string joined = g.Node("Concat", "joined", [relu6, grouped], Int("axis", 1));
        string norm = g.Node("BatchNormalization", "joined_bn", [joined, g.Positive("s2", 16), g.Random("t2", 16), g.Random("m2", 16), g.Positive("v2", 16)]);
        string hs = g.Node("HardSwish", "joined_act", [norm]);
        string pooled = g.Node("AveragePool", "pool", [hs], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        string up = g.Node("Resize", "up", [pooled, "", g.Floats("scales", [1, 1, 2, 2], 4)], Text("mode", "nearest"), Text("coordinate_transformation_mode", "asymmetric"), Text("nearest_mode", "floor"));
        string sum = g.Node("Add", "sum", [up, hs]);
        string max = g.Node("MaxPool", "max", [sum], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1));
        string dropped = g.Node("Dropout", "drop", [max]);
        string shape = g.Node("Shape", "shape", [dropped]);
        string batch = g.Node("Gather", "batch", [shape, g.Longs("zero_index", 0)], Int("axis", 0));
        string target = g.Node("Concat", "target", [batch, g.Longs("minus_one", -1)], Int("axis", 0));
        string flat = g.Node("Reshape", "flat", [dropped, target]);
        string fc = g.Node("Gemm", "fc", [flat, g.Random("w3", 16 * 5 * 5, 5), g.Random("b3", 5)]);
        string softmax = g.Node("Softmax", "probabilities", [fc], Int("axis", 1));
        var file = g.Build(softmax, "N", 5);

        var imported = CheckedImport(file);

        var ops = imported.Spec.Layers.Select(l => l.Op).ToList();
        Assert.Equal([LayerOp.Conv, LayerOp.Conv, LayerOp.Concat, LayerOp.DepthwiseConv, LayerOp.AvgPool, LayerOp.Upsample, LayerOp.Add, LayerOp.MaxPool, LayerOp.Linear], ops);
        var stem = imported.Spec.Layers[0];
        Assert.True(stem.BatchNorm);
        Assert.Equal(Activation.Relu6, stem.Activation);
        Assert.Equal(2, stem.Padding);
        Assert.Equal(4, imported.Spec.Layers[1].Groups);
        Assert.Equal(Activation.HardSwish, imported.Spec.Layers[3].Activation);
        Assert.True(imported.EndsWithSoftmax);
    }

    [Fact]
    public void Silu_gelu_and_a_squeeze_and_excitation_gate_written_as_elementary_operators_are_fused()
    {
        var g = new TestGraph(4, 6, 6);
        string conv = g.Node("Conv", "c1", ["x", g.Random("w1", 8, 4, 3, 3), g.Random("b1", 8)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        string silu = g.Node("Mul", "c1_silu", [conv, g.Node("Sigmoid", "c1_sigmoid", [conv])]);
        string pooled = g.Node("ReduceMean", "se_pool", [silu], Ints("axes", 2, 3), Int("keepdims", 1));
        string squeeze = g.Node("Conv", "se_squeeze", [pooled, g.Random("w2", 2, 8, 1, 1), g.Random("b2", 2)], Ints("kernel_shape", 1, 1));
        string relu = g.Node("Relu", "se_relu", [squeeze]);
        string excite = g.Node("Conv", "se_excite", [relu, g.Random("w3", 8, 2, 1, 1), g.Random("b3", 8)], Ints("kernel_shape", 1, 1));
        string gate = g.Node("HardSigmoid", "se_gate", [excite], Float("alpha", 1f / 6), Float("beta", 0.5f));
        string scaled = g.Node("Mul", "se_scale", [silu, gate]);
        string c2 = g.Node("Conv", "c2", [scaled, g.Random("w4", 8, 8, 1, 1), g.Random("b4", 8)], Ints("kernel_shape", 1, 1));
        string erf = g.Node("Erf", "gelu_erf", [g.Node("Div", "gelu_div", [c2, g.Floats("sqrt2", [MathF.Sqrt(2)])])]);
        string cdf = g.Node("Add", "gelu_add", [erf, g.Floats("one", [1f])]);
        string gelu = g.Node("Mul", "gelu_half", [g.Node("Mul", "gelu_mul", [c2, cdf]), g.Floats("half", [0.5f])]);
        string gap = g.Node("GlobalAveragePool", "gap", [gelu]);
        string flat = g.Node("Flatten", "flatten", [gap], Int("axis", 1));
        string product = g.Node("MatMul", "fc", [flat, g.Random("w5", 8, 3)]);
        string logits = g.Node("Add", "fc_bias", [product, g.Random("b5", 3)]);

        var imported = CheckedImport(g.Build(logits, "N", 3));

        var layers = imported.Spec.Layers;
        Assert.Equal(Activation.Silu, layers.Single(l => l.Name == "c1").Activation);
        Assert.Equal(Activation.Gelu, layers.Single(l => l.Name == "c2").Activation);
        Assert.Equal(Activation.HardSigmoid, layers.Single(l => l.Name == "se_excite").Activation);
        Assert.Equal(LayerOp.Linear, layers.Single(l => l.Name == "se_squeeze").Op);
        Assert.Equal(["c1", "se_excite"], layers.Single(l => l.Op == LayerOp.Mul).Inputs);
        Assert.Equal(2, imported.Spec.Analyze().ChannelGroups.Single(g => g.Producers.Contains("c1")).Producers.Count); // the gate is tied to the map
    }

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Relu6)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.HardSigmoid)]
    [InlineData(Activation.HardSwish)]
    [InlineData(Activation.Silu)]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.GeluTanh)]
    public void Every_activation_the_exporter_writes_is_read_back(Activation activation)
    {
        manual_seed(3);
        using var network = new SpecNetwork(OnnxExportTests.Activated(activation));
        network.eval();

        var imported = CheckedImport(OnnxExporter.Export(network).ToByteArray());

        Assert.Equal([activation, activation], imported.Spec.Layers.Select(l => l.Activation));
    }

    [Fact]
    public void Opset_20_gelu_and_hard_swish_nodes_are_read()
    {
        var g = new TestGraph(2, 4, 4).Opset(20);
        string conv = g.Node("Conv", "c", ["x", g.Random("w", 4, 2, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        string gelu = g.Node("Gelu", "act", [conv], Text("approximate", "tanh"));
        string flat = g.Node("Flatten", "flat", [gelu]);
        string fc = g.Node("Gemm", "fc", [flat, g.Random("w2", 3, 64), g.Random("b2", 3)], Int("transB", 1));

        var imported = CheckedImport(g.Build(fc, "N", 3));

        Assert.Equal(Activation.GeluTanh, imported.Spec.Layers[0].Activation);
    }

    [Fact]
    public void An_activation_whose_input_is_also_read_elsewhere_becomes_a_layer_of_its_own()
    {
        var g = new TestGraph(2, 4, 4);
        string conv = g.Node("Conv", "c", ["x", g.Random("w", 4, 2, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        string relu = g.Node("Relu", "act", [conv]);
        string sum = g.Node("Add", "sum", [conv, relu]);
        string flat = g.Node("Flatten", "flat", [sum]);
        string fc = g.Node("Gemm", "fc", [flat, g.Random("w2", 3, 64)], Int("transB", 1));

        var imported = CheckedImport(g.Build(fc, "N", 3));

        Assert.Equal(Activation.None, imported.Spec.Layers[0].Activation);
        Assert.Contains(imported.Spec.Layers, l => l.Activation == Activation.Relu && l.Op == LayerOp.MaxPool && l.Kernel == 1);
    }

    [Fact]
    public void An_unknown_operator_is_refused_with_the_node_its_type_and_a_reason()
    {
        var g = new TestGraph(2, 4, 4);
        string conv = g.Node("Conv", "c", ["x", g.Random("w", 4, 2, 3, 3)], Ints("kernel_shape", 3, 3));
        string lrn = g.Node("LRN", "features/norm", [conv], Int("size", 3));
        var file = g.Build(lrn, "N", 4, 2, 2);

        var error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(file, "m"));

        Assert.Equal("features/norm", error.Node);
        Assert.Equal("LRN", error.OpType);
        Assert.Contains("not one the importer reads", error.Message);
    }

    [Fact]
    public void Files_that_are_not_a_single_image_classifier_are_refused()
    {
        var valid = Exported("lenet5", new InputSpec(1, 28, 28));
        Assert.Contains("not an ONNX model", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import("not a model at all"u8.ToArray(), "m")).Message);
        Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(valid[..(valid.Length / 2)], "m"));

        var dynamic = global::Onnx.ModelProto.Parser.ParseFrom(valid);
        dynamic.Graph.Input[0].Type.TensorType.Shape.Dim[2] = new global::Onnx.TensorShapeProto.Types.Dimension { DimParam = "height" };
        Assert.Contains("dynamic height", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(dynamic.ToByteArray(), "m")).Message);

        var twoOutputs = global::Onnx.ModelProto.Parser.ParseFrom(valid);
        twoOutputs.Graph.Output.Add(TestGraph.Value(twoOutputs.Graph.Node[0].Output[0], "N", 6, 28, 28));
        Assert.Contains("2 outputs", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(twoOutputs.ToByteArray(), "m")).Message);

        var oldOpset = global::Onnx.ModelProto.Parser.ParseFrom(valid);
        oldOpset.OpsetImport[0].Version = 9;
        Assert.Contains("opset 9", Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(oldOpset.ToByteArray(), "m")).Message);
    }
}
