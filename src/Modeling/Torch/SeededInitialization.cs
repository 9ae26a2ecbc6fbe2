using TorchSharp;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Torch;

/// <summary>
/// Draws a network's weights and biases from U(-1/sqrt(fan-in), 1/sqrt(fan-in)), torch's default for linear layers, but
/// from a generator of the caller's own: torch's global one is shared with whatever else runs in the process, so
/// seeding it would not make two networks with one seed start alike.
/// </summary>
public static class SeededInitialization
{
    public static void UniformFanIn(nn.Module network, SplitMix64 random)
    {
        using var noGrad = no_grad();
        double bound = 1;
        foreach (var (name, parameter) in network.named_parameters())
        {
            if (name.EndsWith("weight", StringComparison.Ordinal)) bound = 1 / Math.Sqrt(parameter.shape[1]);
            var values = new float[parameter.numel()];
            for (int i = 0; i < values.Length; i++) values[i] = (float)((random.NextDouble() * 2 - 1) * bound);
            using var drawn = tensor(values).reshape(parameter.shape);
            parameter.copy_(drawn);
        }
    }
}
