using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using Google.Protobuf;
using static TorchSharp.torch;

namespace AutoDesign.HardwareProfiler.Onnx;

/// <summary>
/// A network written in one of the formats users take away: ONNX (float32, int8 QDQ, or the serving formats a formats
/// job chose), a language model's decode step in ONNX, its spec, or its weights.
/// </summary>
public static class ModelExport
{
    public static readonly IReadOnlyList<string> Formats = ["onnx", "onnx-decode", "json", "weights"];

    public static string Extension(string format) => format switch { "onnx" => ".onnx", "onnx-decode" => "-decode.onnx", "json" => ".json", _ => ".dat" };

    public static string ContentType(string format) => format == "json" ? "application/json" : "application/octet-stream";

    /// <summary>
    /// The bytes of <paramref name="network"/> in <paramref name="format"/>. For ONNX, <paramref name="int8Layers"/> run in int8,
    /// calibrated on 256 training images of the model's data set when it was trained (random images otherwise); a model
    /// saved in serving formats comes as the files saved with it. Throws a <see cref="NotSupportedException"/> for an
    /// ONNX file that cannot be written (a decode step of an image model or in int8, a format without a kernel).
    /// </summary>
    public static byte[] Write(SpecNetwork network, string format, IReadOnlySet<string> int8Layers, SavedModel? saved, DataFolder folder)
    {
        if (saved?.Card.ServingFormats is not null && format.StartsWith("onnx", StringComparison.Ordinal)) return ServingFile(saved, format);
        switch (format)
        {
            case "onnx-decode":
                if (int8Layers.Count > 0) throw new NotSupportedException("a decode step is exported in float32 or in serving formats, not with int8 QDQ layers");
                return OnnxExporter.Export(network, new OnnxExportOptions { DecodeStep = true }).ToByteArray();
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

    private static byte[] ServingFile(SavedModel saved, string format)
    {
        if (format == "onnx-decode" && !saved.Spec.Input.IsTokens) throw new NotSupportedException($"{saved.Spec.Name} reads images: only a language model has a decode step");
        string path = Path.Combine(saved.Directory, format == "onnx" ? ServingFiles.WindowFile : ServingFiles.DecodeStepFile);
        if (File.Exists(path)) return File.ReadAllBytes(path);
        var policy = FormatPolicy.FromNames(saved.Card.ServingFormats!);
        var (layer, kind) = policy.Projections.FirstOrDefault(p => !OnnxFormats.HasKernel(p.Value));
        throw new NotSupportedException(layer is null
            ? "its serving-format ONNX files were not saved"
            : $"layer '{layer}' is in {kind.Name}, which ONNX Runtime has no kernel for; export its weights or json");
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
