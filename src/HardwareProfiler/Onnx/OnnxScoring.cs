using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AutoDesign.HardwareProfiler.Onnx;

/// <summary>
/// How well an exported model does as ONNX Runtime computes it, on the same windows or images the TorchSharp
/// evaluations take (<see cref="TextEvaluation"/>'s non-overlapping windows, an image set's first images).
/// </summary>
public static class OnnxScoring
{
    private const int Batch = 16;

    /// <summary>exp of the mean cross-entropy of every next token over the first <paramref name="windows"/> windows of the stream.</summary>
    public static double Perplexity(InferenceSession session, byte[] stream, int context, int windows)
    {
        var starts = TokenWindows.Tiling(stream, context);
        if (starts.Length > windows) starts = starts[..windows];
        if (starts.Length == 0) throw new ArgumentException($"a stream of {stream.LongLength} tokens holds no window of {context}");
        double nll = 0;
        for (int first = 0; first < starts.Length; first += Batch)
        {
            var batch = starts[first..Math.Min(starts.Length, first + Batch)];
            var ids = new long[batch.Length * context];
            for (int w = 0; w < batch.Length; w++)
                for (int t = 0; t < context; t++) ids[w * context + t] = stream[batch[w] + t];
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<long>(ids, [batch.Length, context]))]);
            var logits = results.Single().AsTensor<float>(); // (N, V, 1, T)
            int vocabulary = logits.Dimensions[1];
            for (int w = 0; w < batch.Length; w++)
                for (int t = 0; t < context; t++)
                {
                    double max = double.MinValue, sum = 0;
                    for (int v = 0; v < vocabulary; v++) max = Math.Max(max, logits[w, v, 0, t]);
                    for (int v = 0; v < vocabulary; v++) sum += Math.Exp(logits[w, v, 0, t] - max);
                    nll += max + Math.Log(sum) - logits[w, stream[batch[w] + t + 1], 0, t];
                }
        }
        return Math.Exp(nll / (starts.Length * (long)context));
    }

    /// <summary>Top-1 accuracy on <paramref name="images"/>, normalised as the model was trained.</summary>
    public static double Accuracy(InferenceSession session, ImageSet images, float[] mean, float[] std)
    {
        using var source = new BatchSource(images, mean, std);
        int correct = 0;
        for (int first = 0; first < images.Count; first += Batch)
        {
            int count = Math.Min(Batch, images.Count - first);
            using var batch = source.Range(first, count).Images;
            var pixels = batch.data<float>().ToArray();
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName,
                new DenseTensor<float>(pixels, [.. batch.shape.Select(d => (int)d)]))]);
            var scores = results.Single().AsTensor<float>();
            int classes = scores.Dimensions[1];
            for (int i = 0; i < count; i++)
            {
                int best = 0;
                for (int c = 1; c < classes; c++)
                    if (scores[i, c] > scores[i, best]) best = c;
                if (best == images.Labels[first + i]) correct++;
            }
        }
        return (double)correct / images.Count;
    }
}
