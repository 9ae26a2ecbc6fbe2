using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// Batch norm over the first C of its channels, C taken from the input: the affine parameters and running
/// statistics of the active channels are views of the full ones, so training a narrow sub-network updates them in
/// place. It wraps a <see cref="BatchNorm2d"/> so that code looking for batch-norm layers (recalibration) finds it.
/// </summary>
internal sealed class ElasticBatchNorm : nn.Module<Tensor, Tensor>
{
    private readonly BatchNorm2d bn;

    public ElasticBatchNorm(string name, int maxChannels) : base(name)
    {
        bn = nn.BatchNorm2d(maxChannels, eps: Torch.SpecNetwork.BatchNormEpsilon);
        RegisterComponents();
    }

    public BatchNorm2d Inner => bn;

    public override Tensor forward(Tensor input)
    {
        long channels = input.shape[1];
        if (channels == bn.weight.shape[0]) return bn.forward(input);
        // BatchNorm2d.forward's own logic, on the first `channels` entries of every tensor.
        double factor = bn.momentum ?? 0.0;
        if (training && bn.num_batches_tracked is { } tracked)
        {
            tracked.add_(1);
            if (bn.momentum is null) factor = 1.0 / tracked.item<long>();
        }
        return F.batch_norm(input, bn.running_mean!.narrow(0, 0, channels), bn.running_var!.narrow(0, 0, channels),
            bn.weight.narrow(0, 0, channels), bn.bias!.narrow(0, 0, channels), training, factor, bn.eps);
    }
}
