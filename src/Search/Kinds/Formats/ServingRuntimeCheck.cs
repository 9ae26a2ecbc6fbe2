using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Training;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AutoDesign.Search.Kinds.Formats;

/// <summary>
/// A policy as it is deployed: the network exported in its formats for ONNX Runtime (the whole window and, for a
/// language model, a decode step), scored there on the first test windows (or images) beside TorchSharp's score on
/// the same ones, and timed against the float32 export, the two run alternately. A policy with a format ONNX Runtime
/// has no kernel for (W4A4) gives no files; the layer and format are logged.
/// </summary>
internal static class ServingRuntimeCheck
{
    public const int Windows = 64, Images = 500;

    public static (ServingFiles? Files, Dictionary<string, double> Measured) Run(FormatsScorer scorer, FormatPolicy policy, ILogger logger)
    {
        var network = scorer.Network;
        var floatFiles = ServingFiles.Export(network);
        using var deployment = scorer.Deploy(policy);
        ServingFiles files;
        try
        {
            files = ServingFiles.Export(network);
        }
        catch (NotSupportedException e)
        {
            logger.LogWarning("The best policy is not exported for ONNX Runtime: {Reason}", e.Message);
            return (null, []);
        }
        using var session = new InferenceSession(files.Window);
        using var floatSession = new InferenceSession(floatFiles.Window);
        var measured = new Dictionary<string, double>
        {
            ["onnxBytes (serving formats)"] = files.Window.Length,
            ["onnxBytes (float32)"] = floatFiles.Window.Length,
        };
        var split = scorer.TestSplit;
        if (split.Tokens is { } tokens)
        {
            int windows = Math.Min(Windows, TokenWindows.Tiling(tokens, split.Context).Length);
            measured[$"testPerplexity@onnxruntime-cpu, first {windows} windows (measured)"] = OnnxScoring.Perplexity(session, tokens, split.Context, windows);
            measured[$"testPerplexity@torchsharp, first {windows} windows"] = TextEvaluation.Of(network, tokens, split.Context, maxWindows: windows).Perplexity;
            var window = new long[split.Context];
            for (int t = 0; t < window.Length; t++) window[t] = tokens[t];
            var (ms, floatMs) = OnnxLatency.Paired(session, floatSession, [NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<long>(window, [1, split.Context]))]);
            measured[$"prefillMs@onnxruntime-cpu {split.Context} tokens (measured)"] = ms;
            measured[$"prefillMs@onnxruntime-cpu {split.Context} tokens float32 (measured)"] = floatMs;
            using var decode = new InferenceSession(files.DecodeStep!);
            using var floatDecode = new InferenceSession(floatFiles.DecodeStep!);
            var (stepMs, floatStepMs) = OnnxLatency.Paired(decode, floatDecode, ServingFiles.DecodeStepInputs(network, split.Context - 1));
            measured[$"decodeMs@onnxruntime-cpu cache of {split.Context - 1} (measured)"] = stepMs;
            measured[$"decodeMs@onnxruntime-cpu cache of {split.Context - 1} float32 (measured)"] = floatStepMs;
        }
        else
        {
            var images = split.Images!.Take(Images);
            measured[$"testAccuracy@onnxruntime-cpu, first {images.Count} images (measured)"] = OnnxScoring.Accuracy(session, images, split.Card.Mean, split.Card.Std);
            measured[$"testAccuracy@torchsharp, first {images.Count} images"] = Evaluation.Of(network, images, split.Card.Mean, split.Card.Std).Accuracy;
            using var source = new BatchSource(images.Take(1), split.Card.Mean, split.Card.Std);
            using var image = source.Range(0, 1).Images;
            var input = NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<float>(image.data<float>().ToArray(), [.. image.shape.Select(d => (int)d)]));
            var (ms, floatMs) = OnnxLatency.Paired(session, floatSession, [input]);
            measured["latencyMs@onnxruntime-cpu batch 1 (measured)"] = ms;
            measured["latencyMs@onnxruntime-cpu batch 1 float32 (measured)"] = floatMs;
        }
        return (files, measured);
    }
}
