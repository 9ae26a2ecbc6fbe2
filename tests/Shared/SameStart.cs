using TorchSharp;
using static TorchSharp.torch;

namespace AutoDesign.Tests;

/// <summary>
/// Networks that start from the same weights: a test that compares two trainings gives both a copy of one template's
/// parameters and buffers, instead of seeding LibTorch's process-wide generator, which tests running in parallel
/// draw from at the same time.
/// </summary>
public static class SameStart
{
    public static T CopyOf<T>(T template, T network) where T : nn.Module
    {
        using var noGrad = no_grad();
        var parameters = template.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in network.named_parameters()) parameter.copy_(parameters[name]);
        var buffers = template.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        foreach (var (name, buffer) in network.named_buffers()) buffer.copy_(buffers[name]);
        return network;
    }
}
