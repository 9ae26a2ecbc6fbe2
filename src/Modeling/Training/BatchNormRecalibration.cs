using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// Re-estimates every batch-norm layer's running mean and variance from a few images, without touching any weight:
/// after channels are removed (or a sub-network is taken from a super-network) the statistics the layers learned
/// no longer describe their inputs. The estimate is the plain average over the batches (momentum off).
/// </summary>
public static class BatchNormRecalibration
{
    public static void Apply(nn.Module<Tensor, Tensor> network, Tensor images, int batchSize = 128)
    {
        var layers = network.modules().OfType<BatchNorm2d>().ToList();
        if (layers.Count == 0) return;
        var momentum = layers.Select(l => l.momentum).ToList();
        foreach (var layer in layers)
        {
            layer.reset_running_stats();
            layer.momentum = null;
        }
        network.train();
        using (no_grad())
            for (long start = 0; start < images.shape[0]; start += batchSize)
            {
                using var scope = NewDisposeScope();
                network.forward(images.narrow(0, start, Math.Min(batchSize, images.shape[0] - start)));
            }
        for (int i = 0; i < layers.Count; i++) layers[i].momentum = momentum[i];
        network.eval();
    }
}
