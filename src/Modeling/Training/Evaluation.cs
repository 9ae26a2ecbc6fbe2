using AutoDesign.Modeling.Data;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>Top-1 accuracy and mean cross-entropy of a network on an image set.</summary>
public sealed record Evaluation(double Accuracy, double Loss, int Count)
{
    /// <summary>Scores <paramref name="network"/> in inference mode (no autograd, batch norm frozen) and leaves it in that mode.</summary>
    public static Evaluation Of(nn.Module<Tensor, Tensor> network, ImageSet images, float[] mean, float[] std, int batchSize = 500)
    {
        using var source = new BatchSource(images, mean, std);
        return Of(network, source, batchSize);
    }

    public static Evaluation Of(nn.Module<Tensor, Tensor> network, BatchSource source, int batchSize = 500)
    {
        network.eval();
        using var noGrad = no_grad();
        long correct = 0;
        double lossSum = 0;
        for (long start = 0; start < source.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var (images, labels) = source.Range(start, batchSize);
            var logits = network.forward(images);
            correct += logits.argmax(1).eq(labels).sum().item<long>();
            lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
        }
        return new Evaluation((double)correct / source.Count, lossSum / source.Count, source.Count);
    }
}
