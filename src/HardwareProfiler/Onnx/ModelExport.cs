using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using Google.Protobuf;
using static TorchSharp.torch;

namespace AutoDesign.HardwareProfiler.Onnx;

/// <summary>A network written in one of the formats users take away: ONNX (float32 or int8 QDQ), its spec, or its weights.</summary>
public static class ModelExport
{
    public static readonly IReadOnlyList<string> Formats = ["onnx", "json", "weights"];

    public static string Extension(string format) => format switch { "onnx" => ".onnx", "json" => ".json", _ => ".dat" };

    public static string ContentType(string format) => format == "json" ? "application/json" : "application/octet-stream";

    /// <summary>
    /// The bytes of <paramref name="network"/> in <paramref name="format"/>. For ONNX, <paramref name="int8Layers"/> run in int8,
    /// calibrated on 256 training images of the model's data set when it was trained (random images otherwise).
    /// </summary>
    public static byte[] Write(SpecNetwork network, string format, IReadOnlySet<string> int8Layers, SavedModel? saved, DataFolder folder)
    {
        switch (format)
        {
            case "json":
                return System.Text.Encoding.UTF8.GetBytes(ModelSpecJson.Serialize(network.Spec));
            case "weights":
                string temporary = Path.GetTempFileName();
                try
                {
                    network.save(temporary);
                    return File.ReadAllBytes(temporary);
                }
                finally
                {
                    File.Delete(temporary);
                }
            case "onnx":
                var options = int8Layers.Count == 0
                    ? new OnnxExportOptions()
                    : new OnnxExportOptions { Int8Layers = int8Layers, CalibrationImages = CalibrationImages(saved, folder) };
                return OnnxExporter.Export(network, options).ToByteArray();
            default:
                throw new ArgumentException($"format '{format}' is unknown: use {string.Join(", ", Formats)}");
        }
    }

    /// <summary>The layers a precision policy allows in int8: those with weights at 8 bits or fewer on both sides.</summary>
    public static IReadOnlySet<string> Int8Layers(ModelSpec spec, PrecisionPolicy? policy) =>
        policy is null
            ? new HashSet<string>()
            : spec.Layers.Where(l => l.HasWeights && policy.For(l.Name) is { WeightBits: <= 8, ActivationBits: <= 8 }).Select(l => l.Name).ToHashSet();

    private static Tensor? CalibrationImages(SavedModel? saved, DataFolder folder)
    {
        if (saved is null) return null;
        var data = DatasetCatalog.Load(saved.Card.Dataset, folder);
        using var batches = new BatchSource(data.Train.Sample(256), saved.Card.Mean, saved.Card.Std);
        var (images, _) = batches.Range(0, batches.Count);
        return images;
    }
}
