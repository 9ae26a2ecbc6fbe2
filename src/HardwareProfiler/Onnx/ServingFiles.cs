using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AutoDesign.HardwareProfiler.Onnx;

/// <summary>
/// A network in the serving formats it is deployed in, as ONNX files: the whole window (a language model's prefill,
/// or an image classifier) and, for a language model, one decode step with its KV cache. Exporting throws a
/// <see cref="NotSupportedException"/> naming the first layer whose format ONNX Runtime has no kernel for.
/// </summary>
public sealed record ServingFiles(byte[] Window, byte[]? DecodeStep)
{
    public const string WindowFile = "serving.onnx", DecodeStepFile = "serving-decode.onnx";

    public static ServingFiles Export(SpecNetwork network) => new(
        OnnxExporter.Export(network).ToByteArray(),
        network.Spec.Input.IsTokens ? OnnxExporter.Export(network, new OnnxExportOptions { DecodeStep = true }).ToByteArray() : null);

    /// <summary>The files by the names a saved model keeps them under.</summary>
    public IReadOnlyDictionary<string, byte[]> Named =>
        DecodeStep is null ? new Dictionary<string, byte[]> { [WindowFile] = Window } : new Dictionary<string, byte[]> { [WindowFile] = Window, [DecodeStepFile] = DecodeStep };

    /// <summary>
    /// A decode step's inputs for a batch of one: a token at position <paramref name="past"/> and caches of that many
    /// positions (zeros: the time does not depend on their values).
    /// </summary>
    public static List<NamedOnnxValue> DecodeStepInputs(SpecNetwork network, int past)
    {
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<long>(new long[] { 1 }, [1, 1])),
            NamedOnnxValue.CreateFromTensor(OnnxExporter.PositionName, new DenseTensor<long>(new long[] { past }, [1])),
        };
        var spec = network.Spec;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (spec.Layers[i].Op != LayerOp.Attention) continue;
            int size = spec.Layers[i].HeadSize!.Value, keyHeads = network.Analysis[spec.InputsOf(i)[1]].OutputShape.Channels / size;
            foreach (var prefix in new[] { OnnxExporter.PastKeys, OnnxExporter.PastValues })
                inputs.Add(NamedOnnxValue.CreateFromTensor(prefix + spec.Layers[i].Name, new DenseTensor<float>(new float[keyHeads * past * size], [1, keyHeads, past, size])));
        }
        return inputs;
    }
}
