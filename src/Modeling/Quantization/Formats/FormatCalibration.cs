using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// What a float network showed on calibration inputs (a few training windows or images): every projection's input,
/// as its channel maxima and a strided sample of its tokens, and every attention layer's key channel maxima.
/// Gathered once; any number of format policies are then prepared from it.
/// </summary>
public sealed class FormatCalibration : IDisposable
{
    /// <summary>Tokens kept per projection for AWQ's search.</summary>
    public const int SampleTokens = 2048;

    private readonly Dictionary<string, ProjectionInputs> _projections = [];
    private readonly Dictionary<string, Tensor> _keyMaxima = [];

    public FormatCalibration(SpecNetwork network, Tensor inputs)
    {
        var spec = network.Spec;
        network.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        network.Deploy(null, null);
        var outputs = network.ForwardAll(inputs);
        Tensor Read(int layer, int input) => spec.InputsOf(layer) is { Count: > 0 } names ? outputs[names[input]] : inputs;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            if (layer.Op == LayerOp.Projection)
            {
                var rows = TokenRows.FromMap(Read(i, 0));
                long stride = Math.Max(1, rows.shape[0] / SampleTokens);
                var samples = rows.slice(0, 0, Math.Min(rows.shape[0], stride * SampleTokens), stride).contiguous();
                _projections[layer.Name] = new ProjectionInputs(Kept(rows.abs().amax([0])), Kept(samples.clone()));
            }
            else if (layer.Op == LayerOp.Attention)
                _keyMaxima[layer.Name] = Kept(Read(i, 1).abs().amax([0, 2, 3]));
        }
    }

    public ProjectionInputs Projection(string layer) =>
        _projections.TryGetValue(layer, out var inputs) ? inputs : throw new KeyNotFoundException($"'{layer}' is not a calibrated projection");

    public Tensor KeyMaxima(string layer) =>
        _keyMaxima.TryGetValue(layer, out var maxima) ? maxima : throw new KeyNotFoundException($"'{layer}' is not a calibrated attention layer");

    private static Tensor Kept(Tensor tensor)
    {
        tensor.DetachFromDisposeScope();
        return tensor;
    }

    public void Dispose()
    {
        foreach (var inputs in _projections.Values)
        {
            inputs.ChannelMax.Dispose();
            inputs.Samples.Dispose();
        }
        foreach (var maxima in _keyMaxima.Values) maxima.Dispose();
        _projections.Clear();
        _keyMaxima.Clear();
    }
}
