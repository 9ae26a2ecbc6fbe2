using AutoDesign.Modeling.Import;
using AutoDesign.Modeling.Torch;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace AutoDesign.HardwareProfiler.Onnx;

/// <summary>
/// How closely an imported model computes what its ONNX file computes: on seeded random images, the largest
/// difference between ONNX Runtime's output on the original file and (a) the TorchSharp network, (b) ONNX Runtime on
/// the network exported back, each relative to the largest output of the original. A file that ends in a softmax is
/// compared with the softmax of the network's class scores.
/// </summary>
public sealed record ImportCheck(double TorchSharpDifference, double ReexportDifference, int Images)
{
    public static ImportCheck Run(byte[] original, ImportedModel imported, int images = 8, long seed = 1)
    {
        using var network = imported.CreateNetwork();
        using var scope = NewDisposeScope();
        var input = RandomImages(imported, images, seed);
        var expected = Run(original, input);
        float[] actual;
        using (no_grad())
        {
            var scores = network.forward(input);
            actual = (imported.EndsWithSoftmax ? scores.softmax(1) : scores).contiguous().data<float>().ToArray();
        }
        var reexported = Run(OnnxExporter.Export(network).ToByteArray(), input);
        if (imported.EndsWithSoftmax)
            using (no_grad()) reexported = tensor(reexported, [images, imported.Spec.Classes]).softmax(1).data<float>().ToArray();
        return new ImportCheck(Relative(expected, actual), Relative(expected, reexported), images);
    }

    private static TorchTensor RandomImages(ImportedModel imported, int count, long seed)
    {
        var generator = new Generator((ulong)seed);
        var shape = imported.Spec.Input;
        return randn([count, shape.Channels, shape.Height, shape.Width], generator: generator);
    }

    private static float[] Run(byte[] model, TorchTensor input)
    {
        using var session = new InferenceSession(model);
        string name = session.InputMetadata.Keys.Single();
        var data = input.contiguous().data<float>().ToArray();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(data, [.. input.shape.Select(d => (int)d)]))]);
        return [.. results.First().AsEnumerable<float>()];
    }

    private static double Relative(float[] expected, float[] actual)
    {
        if (expected.Length != actual.Length) return double.PositiveInfinity;
        double scale = Math.Max(expected.Max(v => Math.Abs((double)v)), 1e-12);
        return expected.Zip(actual).Max(p => Math.Abs((double)p.First - p.Second)) / scale;
    }
}
