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
        using var noGrad = no_grad();
        long correct = 0;
        foreach (var (images, labels) in _batches)
        {
            using var scope = NewDisposeScope();
            correct += network.forward(images).argmax(1).eq(labels).sum().item<long>();
        }
        return (double)correct / Count;
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
