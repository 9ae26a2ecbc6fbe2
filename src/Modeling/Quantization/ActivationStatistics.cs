using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization;

/// <summary>
/// Samples of every weighted layer's input on a few hundred calibration images, gathered once per network;
/// clipping values are then chosen per (layer, bits) and remembered, so trying many policies stays cheap.
/// </summary>
public sealed class ActivationStatistics
{
    private const int MaxSamples = 50_000;
    private readonly Dictionary<string, (float[] Samples, bool Signed)> _layers = [];
    private readonly Dictionary<(string, int), float> _clips = [];

    public ActivationStatistics(SpecNetwork network, Tensor images, CalibrationMethod method, ulong seed = 1)
    {
        Method = method;
        var random = new SplitMix64(seed);
        var weighted = network.Spec.Layers.Where(l => l.Op is LayerOp.Conv or LayerOp.DepthwiseConv or LayerOp.Linear).Select(l => l.Name).ToHashSet();
        network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        network.Quantize(null);
        network.Forward(images, (name, input) =>
        {
            if (!weighted.Contains(name)) return;
            // The sample is drawn on the tensor: copying a whole layer's input out first churned gigabytes a network.
            var values = input.flatten();
            long count = values.shape[0];
            float[] sample;
            if (count <= MaxSamples) sample = values.data<float>().ToArray();
            else
            {
                using var picked = tensor(Enumerable.Range(0, MaxSamples).Select(_ => (long)random.NextInt((int)count)).ToArray());
                sample = values.index_select(0, picked).data<float>().ToArray();
            }
            _layers[name] = (sample, values.min().item<float>() < 0);
        });
    }

    public CalibrationMethod Method { get; }

    public bool IsSigned(string layer) => _layers[layer].Signed;

    public float ClipFor(string layer, int bits)
    {
        if (_clips.TryGetValue((layer, bits), out float clip)) return clip;
        var (samples, signed) = _layers[layer];
        return _clips[(layer, bits)] = ClipCalibration.Clip(samples, bits, signed, Method);
    }

    /// <summary>The per-layer quantization of a policy; layers at 32 bits (or more) stay in float.</summary>
    public Dictionary<string, LayerQuantization> For(PrecisionPolicy policy) =>
        _layers.Keys
            .Select(layer => (layer, bits: policy.For(layer)))
            .Where(p => p.bits.WeightBits < 32 || p.bits.ActivationBits < 32)
            .ToDictionary(p => p.layer, p => new LayerQuantization(p.bits.WeightBits, p.bits.ActivationBits,
                p.bits.ActivationBits < 32 ? ClipFor(p.layer, p.bits.ActivationBits) : float.MaxValue, IsSigned(p.layer)));
}
