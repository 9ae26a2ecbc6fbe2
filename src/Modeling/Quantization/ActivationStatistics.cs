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

    /// <param name="chunkImages">
    /// Images run through the network at once: every layer's output of a whole calibration batch took gigabytes.
    /// The sample does not depend on it.
    /// </param>
    public ActivationStatistics(SpecNetwork network, Tensor images, CalibrationMethod method, ulong seed = 1, int chunkImages = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkImages, 1);
        Method = method;
        var random = new SplitMix64(seed);
        var weighted = network.Spec.Layers.Where(l => l.Op is LayerOp.Conv or LayerOp.DepthwiseConv or LayerOp.Linear).Select(l => l.Name).ToHashSet();
        var samplers = new Dictionary<string, LayerSampler>();
        long count = images.shape[0];
        network.eval();
        using var noGrad = no_grad();
        network.Quantize(null);
        for (long start = 0; start < count; start += chunkImages)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(chunkImages, count - start);
            network.Forward(images.narrow(0, start, length), (name, input) =>
            {
                if (!weighted.Contains(name)) return;
                var values = input.flatten();
                long perImage = values.shape[0] / length;
                if (!samplers.TryGetValue(name, out var sampler))
                    samplers[name] = sampler = new LayerSampler(perImage * count, random);
                sampler.Add(values, start * perImage);
            });
        }
        foreach (var (name, sampler) in samplers) _layers[name] = (sampler.Samples, sampler.Signed);
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

    /// <summary>
    /// One layer's input values over all calibration images, seen a chunk of images at a time: all of them when few,
    /// else <see cref="MaxSamples"/> drawn uniformly with replacement. The draws are made once, for the whole input,
    /// so the sample does not depend on the chunk size.
    /// </summary>
    private sealed class LayerSampler
    {
        private readonly long[]? _drawn; // flat positions in the whole input, in draw order
        private readonly int[]? _order; // indices into _drawn, by position

        public LayerSampler(long total, SplitMix64 random)
        {
            if (total <= MaxSamples)
            {
                Samples = new float[total];
                return;
            }
            _drawn = Enumerable.Range(0, MaxSamples).Select(_ => random.NextLong(total)).ToArray();
            _order = [.. Enumerable.Range(0, MaxSamples).OrderBy(i => _drawn[i])];
            Samples = new float[MaxSamples];
        }

        public float[] Samples { get; }

        public bool Signed { get; private set; }

        public void Add(Tensor values, long offset)
        {
            long length = values.shape[0];
            Signed |= values.min().item<float>() < 0;
            if (_drawn is null)
            {
                values.data<float>().CopyTo(Samples.AsSpan((int)offset, (int)length));
                return;
            }
            int first = LowerBound(offset), end = LowerBound(offset + length);
            if (first == end) return;
            var positions = _order![first..end];
            using var picked = tensor(positions.Select(i => _drawn[i] - offset).ToArray());
            var gathered = values.index_select(0, picked).data<float>().ToArray();
            for (int k = 0; k < positions.Length; k++) Samples[positions[k]] = gathered[k];
        }

        private int LowerBound(long position)
        {
            int low = 0, high = _order!.Length;
            while (low < high)
            {
                int middle = (low + high) / 2;
                if (_drawn![_order[middle]] < position) low = middle + 1;
                else high = middle;
            }
            return low;
        }
    }
}
