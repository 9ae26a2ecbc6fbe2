using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Import;

/// <summary>A weight tensor read from an ONNX file, in the layout <see cref="SpecNetwork"/> names it.</summary>
public sealed record WeightTensor(float[] Data, long[] Dims);

/// <summary>
/// An ONNX graph read as a <see cref="ModelSpec"/> and the weights of its layers. <see cref="EndsWithSoftmax"/>: the
/// file's output was a softmax, which the spec leaves out (searches train and score on class scores).
/// </summary>
public sealed record ImportedModel(ModelSpec Spec, IReadOnlyDictionary<string, WeightTensor> Weights, int Opset, bool EndsWithSoftmax, IReadOnlyList<string> Notes)
{
    /// <summary>Builds the network with the imported weights; the caller owns (and disposes) it.</summary>
    public SpecNetwork CreateNetwork()
    {
        var network = new SpecNetwork(Spec);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (key, target) in network.state_dict())
        {
            if (key.EndsWith("num_batches_tracked", StringComparison.Ordinal)) continue;
            if (!Weights.TryGetValue(key, out var weight))
                throw new InvalidOperationException($"the import has no weights for '{key}'");
            if (!weight.Dims.SequenceEqual(target.shape))
                throw new InvalidOperationException($"weights '{key}' have shape [{string.Join(",", weight.Dims)}], the layer needs [{string.Join(",", target.shape)}]");
            target.copy_(tensor(weight.Data, weight.Dims));
        }
        network.eval();
        return network;
    }
}
