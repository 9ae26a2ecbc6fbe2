using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace AutoDesign.HardwareProfiler.Tests.Onnx;

/// <summary>Serving formats written as ONNX Runtime's kernels take them, and run there as the search scored them.</summary>
public class FormatExportTests
{
    // W4A16: ONNX Runtime keeps activations in FP32 where the kernel rounds them to FP16. INT8 activations: one
    // projection alone gives the same scores to 1e-6, but deeper in the network a float difference of 1e-7 upstream
    // (layer norm, attention) can move a value across a rounding boundary, and that code, one step of 1/127 of the
    // token's largest value, moves everything after it: a few scores move by up to ~1 %, the mean by ~1e-4.
    [Theory]
    [InlineData("w4a16-g64", "MatMulNBits", 2e-3)]
    [InlineData("w4a16-awq-g32", "MatMulNBits", 2e-3)]
    [InlineData("w8a8", "MatMulInteger", 2e-2)]
    [InlineData("w8a8-smooth", "MatMulInteger", 2e-2)]
    [InlineData("w4a8-g128", "MatMulInteger", 2e-2)]
    public void A_language_model_in_a_serving_format_scores_in_onnx_runtime_as_in_torchsharp(string format, string op, double tolerance)
    {
        manual_seed(31);
        using var network = new SpecNetwork(ModelZoo.Create("gpt-w0.25-d0.5", InputSpec.Tokens(32, 40), 40));
        network.eval();
        using var scope = NewDisposeScope();
        var tokens = randint(0, 40, [3, 32], dtype: ScalarType.Int64);
        using var calibration = new FormatCalibration(network, tokens);
        using var kernels = new FormatKernels(network, calibration, new FormatSettings());
        using var deployment = kernels.Deploy(FormatPolicy.Uniform(network.Spec, ProjectionFormat.Parse(format), KvCacheFormat.Fp16));
        float[] expected;
        using (no_grad()) expected = network.forward(tokens).data<float>().ToArray();

        var model = OnnxExporter.Export(network);
        Assert.Equal(12, model.Graph.Node.Count(n => n.OpType == op)); // q, k, v, o, up and down of two blocks; the head stays FP16
        Assert.True(model.ToByteArray().Length < 0.5 * OnnxExporter.Export(FloatCopy(network)).ToByteArray().Length, "the file stores the weights in 8 bits or fewer");
        using var session = new InferenceSession(model.ToByteArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<long>(tokens.data<long>().ToArray(), [3, 32]))]);
        var actual = results.Single().AsEnumerable<float>().ToArray();

        double scale = expected.Max(Math.Abs);
        double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)) / scale;
        double mean = expected.Zip(actual).Average(p => Math.Abs(p.First - p.Second)) / scale;
        Assert.True(worst <= tolerance, $"largest difference {worst:G3} of the largest score");
        Assert.True(mean <= 1e-3, $"mean difference {mean:G3} of the largest score");
    }

    // A 4-bit code is 1/15 of a token's range: a key a float difference moves across a rounding boundary moves by
    // that much, so single scores may differ by ~1 %; most do not differ at all.
    [Theory]
    [InlineData("gpt-w0.25-d0.5", "kv4")]
    [InlineData("llama-w0.25-d0.5", "kv4-smooth")] // lambda shared by a rotated pair, and by the query heads of a key head
    [InlineData("llama-w0.25-d0.5", "kv8-smooth")]
    public void A_kv_cache_format_scores_in_onnx_runtime_as_in_torchsharp(string name, string cache)
    {
        manual_seed(37);
        using var network = new SpecNetwork(ModelZoo.Create(name, InputSpec.Tokens(32, 40), 40));
        network.eval();
        using var scope = NewDisposeScope();
        var tokens = randint(0, 40, [3, 32], dtype: ScalarType.Int64);
        using var calibration = new FormatCalibration(network, tokens);
        using var kernels = new FormatKernels(network, calibration, new FormatSettings());
        float[] floatScores;
        using (no_grad()) floatScores = network.forward(tokens).data<float>().ToArray();
        using var deployment = kernels.Deploy(FormatPolicy.Uniform(network.Spec, new ProjectionFormat(FormatKind.Fp32), KvCacheFormat.Parse(cache)));
        float[] expected;
        using (no_grad()) expected = network.forward(tokens).data<float>().ToArray();

        using var session = new InferenceSession(OnnxExporter.Export(network).ToByteArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<long>(tokens.data<long>().ToArray(), [3, 32]))]);
        var actual = results.Single().AsEnumerable<float>().ToArray();

        double scale = expected.Max(Math.Abs);
        double Mean(float[] a, float[] b) => a.Zip(b).Average(p => Math.Abs(p.First - p.Second)) / scale;
        Assert.True(Mean(expected, floatScores) > 1e-5, "the cache format changes the scores"); // else the comparison below proves nothing
        Assert.True(Mean(expected, actual) <= 0.05 * Mean(expected, floatScores), $"mean difference {Mean(expected, actual):G3}, the cache's own effect {Mean(expected, floatScores):G3}");
        Assert.True(expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)) / scale <= 2e-2);
    }

    [Fact]
    public void A_format_onnx_runtime_has_no_kernel_for_is_refused_by_layer()
    {
        using var network = new SpecNetwork(ModelZoo.Create("gpt-w0.25-d0.5", InputSpec.Tokens(32, 40), 40));
        using var scope = NewDisposeScope();
        var tokens = randint(0, 40, [2, 32], dtype: ScalarType.Int64);
        using var calibration = new FormatCalibration(network, tokens);
        using var kernels = new FormatKernels(network, calibration, new FormatSettings());
        using var deployment = kernels.Deploy(FormatPolicy.Uniform(network.Spec, ProjectionFormat.Parse("w4a4-svd-r16-g64"), KvCacheFormat.Fp16));
        var error = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(network));
        Assert.Contains("layer 'block0_q': w4a4-svd-r16-g64 has no ONNX Runtime kernel", error.Message, StringComparison.Ordinal);
    }

    // The same weights, not deployed.
    private static SpecNetwork FloatCopy(SpecNetwork network)
    {
        var copy = new SpecNetwork(network.Spec);
        copy.load_state_dict(network.state_dict());
        return copy;
    }
}
