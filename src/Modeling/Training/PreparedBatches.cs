using AutoDesign.Modeling.Data;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// An image set converted once to normalised tensors in batches, for scoring (or briefly fine-tuning) many
/// candidate networks on the same images without converting them again.
/// </summary>
public sealed class PreparedBatches : IDisposable
{
    private readonly List<(Tensor Images, Tensor Labels)> _batches = [];

    public PreparedBatches(ImageSet images, float[] mean, float[] std, int batchSize = 500)
    {
        Count = images.Count;
        using var source = new BatchSource(images, mean, std);
        for (long start = 0; start < images.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var (x, y) = source.Range(start, batchSize);
            _batches.Add((x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope()));
        }
    }

    public int Count { get; }

    public IReadOnlyList<(Tensor Images, Tensor Labels)> Batches => _batches;

    /// <summary>Top-1 accuracy in inference mode.</summary>
    public double Accuracy(nn.Module<Tensor, Tensor> network)
    {
        network.eval();
        return Accuracy(network.forward);
    }

    /// <summary>Top-1 accuracy of a forward function, in inference mode.</summary>
    public double Accuracy(Func<Tensor, Tensor> forward) => Accuracy((_, images) => forward(images));

    /// <summary>Top-1 accuracy of a forward function that also takes the batch's index, in inference mode.</summary>
    public double Accuracy(Func<int, Tensor, Tensor> forward) => (double)Correct(forward, 0, _batches.Count).Correct / Count;

    /// <summary>Images classified right, and images seen, over batches [from, to), in inference mode.</summary>
    public (long Correct, int Seen) Correct(Func<int, Tensor, Tensor> forward, int from, int to)
    {
        using var inference = inference_mode();
        long correct = 0;
        int seen = 0;
        for (int b = from; b < to; b++)
        {
            using var scope = NewDisposeScope();
            correct += forward(b, _batches[b].Images).argmax(1).eq(_batches[b].Labels).sum().item<long>();
            seen += (int)_batches[b].Labels.shape[0];
        }
        return (correct, seen);
    }

    public void Dispose()
    {
        foreach (var (images, labels) in _batches)
        {
            images.Dispose();
            labels.Dispose();
        }
    }
}
