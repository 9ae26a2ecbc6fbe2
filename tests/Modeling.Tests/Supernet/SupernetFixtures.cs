using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Supernet;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Supernet;

internal static class SupernetFixtures
{
    /// <summary>The default layout on 28x28 grey images.</summary>
    public static SupernetLayout Small => SupernetLayout.Small(new InputSpec(1, 28, 28), 10);

    /// <summary>A two-stage layout small enough to train for a few steps in a test.</summary>
    public static SupernetLayout Tiny => new()
    {
        Input = new InputSpec(1, 28, 28),
        Classes = 10,
        StemChannels = 8,
        StemStride = 2,
        Stages = [new(8, 4, 1), new(16, 4, 2)],
        HeadChannels = 32,
    };

    /// <summary>A super-network with random weights and non-trivial batch-norm statistics and kernel transforms, so that equalities are not accidents of initialisation.</summary>
    public static SuperNetwork Randomized(SupernetLayout layout, long seed)
    {
        manual_seed(seed);
        var network = new SuperNetwork(layout);
        using var noGrad = no_grad();
        foreach (var (name, tensor) in network.state_dict())
        {
            if (name.EndsWith("running_var", StringComparison.Ordinal)) tensor.copy_(rand_like(tensor) + 0.5);
            else if (name.EndsWith("running_mean", StringComparison.Ordinal) || name.EndsWith("bn.bias", StringComparison.Ordinal)) tensor.copy_(randn_like(tensor) * 0.1);
            else if (name.EndsWith("bn.weight", StringComparison.Ordinal)) tensor.copy_(rand_like(tensor) + 0.5);
            else if (name.Contains("transform_", StringComparison.Ordinal)) tensor.add_(randn_like(tensor) * 0.1);
        }
        network.eval();
        return network;
    }
}
