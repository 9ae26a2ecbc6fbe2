using AutoDesign.Modeling.Specs;
using AutoDesign.Search.Agents;

namespace AutoDesign.Search.Quantization;

/// <summary>
/// HAQ's environment: two steps per quantized layer (its weight bits, then its activation bits). Each step observes
/// the layer's index, input and output channels, kernel, stride, feature-map size, parameter count, whether it is
/// depthwise, whether this step sets weights or activations, and the previous action, normalised to [0, 1]. The
/// first and last layers with weights keep <see cref="KeptBits"/> bits unless told otherwise. When a finished policy
/// exceeds the budget, bits are lowered from the last layer back (activations, then weights), one at a time, until
/// it fits, so every evaluated policy meets the budget. Where the cost counts weight bits only (model size), only
/// weight bits are lowered, as in HAQ: fewer activation bits would cost accuracy and buy nothing.
/// </summary>
public sealed class QuantizationSpace : ISequentialSpace
{
    public const int Features = 10;
    public const int KeptBits = 8;

    private readonly string[] _layers;
    private readonly float[][] _layerFeatures;
    private readonly Func<PrecisionPolicy, double> _cost;

    public QuantizationSpace(ModelSpec spec, Func<PrecisionPolicy, double> cost, double? budget = null,
        int minBits = 2, int maxBits = 8, bool keepFirstAndLast = true, bool costCountsActivations = true)
    {
        CostCountsActivations = costCountsActivations;
        if (minBits < 1 || maxBits > 16 || minBits > maxBits) throw new ArgumentException($"bits must satisfy 1 <= min <= max <= 16, got {minBits}..{maxBits}");
        Spec = spec;
        MinBits = minBits;
        MaxBits = maxBits;
        _cost = cost;
        Budget = budget;
        var analysis = spec.Analyze();
        var weighted = spec.Layers.Select((l, i) => (Layer: l, Summary: analysis.Layers[i])).Where(p => p.Layer.HasWeights).ToList();
        Fixed = keepFirstAndLast && weighted.Count > 2 ? [weighted[0].Layer.Name, weighted[^1].Layer.Name] : [];
        var chosen = weighted.Where(p => !Fixed.Contains(p.Layer.Name)).ToList();
        if (chosen.Count == 0) throw new ArgumentException($"model '{spec.Name}' has no layer to quantize besides its first and last");
        _layers = [.. chosen.Select(p => p.Layer.Name)];
        _layerFeatures = FeatureScaling.MinMax(chosen.Select((p, i) => new double[]
        {
            i, p.Summary.InChannels, p.Summary.OutChannels, p.Layer.Kernel, p.Layer.Stride,
            (double)p.Summary.InputShape.Height * p.Summary.InputShape.Width, p.Summary.Params,
            p.Layer.Op == LayerOp.DepthwiseConv ? 1 : 0,
        }).ToArray());
        ReferenceCost = cost(PrecisionPolicy.Uniform(KeptBits, KeptBits));
        MinimumCost = cost(PolicyOf(_layers.Select(_ => (minBits, costCountsActivations ? minBits : maxBits)).ToArray()));
        if (budget is { } limit && MinimumCost > limit)
            throw new ArgumentException($"the budget {limit:G4} ({limit / ReferenceCost:P1} of W8A8) cannot be met: with every layer at {minBits} bits " +
                                        $"(first and last at {KeptBits}) the model still costs {MinimumCost:G4} ({MinimumCost / ReferenceCost:P1})");
    }

    public ModelSpec Spec { get; }

    public int MinBits { get; }

    public int MaxBits { get; }

    public double? Budget { get; }

    /// <summary>Whether activation bits change the cost; if not, the walk-back to the budget leaves them alone.</summary>
    public bool CostCountsActivations { get; }

    /// <summary>The W8A8 model's cost, which ratio budgets refer to.</summary>
    public double ReferenceCost { get; }

    public double MinimumCost { get; }

    /// <summary>Layers that keep 8 bits (the first and last with weights, by default).</summary>
    public IReadOnlyList<string> Fixed { get; }

    /// <summary>The layers whose bits the agent chooses, in order.</summary>
    public IReadOnlyList<string> Layers => _layers;

    public int Steps => 2 * _layers.Length;

    public int FeatureCount => Features;

    public double Cost(PrecisionPolicy policy) => _cost(policy);

    public IEpisode Begin() => new Episode(this);

    /// <summary>The policy of a candidate's actions (weight, activation, weight, activation... per layer).</summary>
    public PrecisionPolicy PolicyFor(IReadOnlyList<double> actions)
    {
        if (actions.Count != Steps) throw new ArgumentException($"expected {Steps} actions, got {actions.Count}");
        return PolicyOf(_layers.Select((_, i) => (BitMapping.ToBits(actions[2 * i], MinBits, MaxBits), BitMapping.ToBits(actions[2 * i + 1], MinBits, MaxBits))).ToArray());
    }

    public PrecisionPolicy PolicyOf(IReadOnlyList<(int Weights, int Activations)> bits) =>
        new(new Precision(KeptBits, KeptBits), _layers.Select((l, i) => (l, new Precision(bits[i].Weights, bits[i].Activations))).ToDictionary(p => p.l, p => p.Item2));

    private sealed class Episode(QuantizationSpace space) : IEpisode
    {
        private readonly (int Weights, int Activations)[] _bits = new (int, int)[space._layers.Length];
        private double _previous = 1.0;

        public int Step { get; private set; }

        public bool Limited { get; private set; }

        public float[] Observe()
        {
            if (Step >= space.Steps) throw new InvalidOperationException("the episode is over");
            bool weights = Step % 2 == 0;
            return [.. space._layerFeatures[Step / 2], weights ? 1f : 0f, (float)_previous];
        }

        public double Act(double action)
        {
            if (Step >= space.Steps) throw new InvalidOperationException("the episode is over");
            int bits = BitMapping.ToBits(double.IsNaN(action) ? 1 : action, space.MinBits, space.MaxBits);
            int layer = Step / 2;
            if (Step % 2 == 0) _bits[layer].Weights = bits;
            else _bits[layer].Activations = bits;
            _previous = BitMapping.ToAction(bits, space.MinBits, space.MaxBits);
            Step++;
            return _previous;
        }

        public IReadOnlyList<double> Finish()
        {
            if (Step != space.Steps) throw new InvalidOperationException($"the episode has {space.Steps - Step} steps left");
            if (space.Budget is { } budget)
            {
                bool Fits() => space.Cost(space.PolicyOf(_bits)) <= budget;
                while (!Fits())
                {
                    bool lowered = false;
                    for (int i = _bits.Length - 1; i >= 0 && !Fits(); i--)
                    {
                        if (space.CostCountsActivations && _bits[i].Activations > space.MinBits) { _bits[i].Activations--; lowered = true; }
                        if (!Fits() && _bits[i].Weights > space.MinBits) { _bits[i].Weights--; lowered = true; }
                    }
                    if (!lowered) break; // everything at the minimum: the constructor made sure that fits
                    Limited = true;
                }
            }
            return _bits.SelectMany(b => new[] { BitMapping.ToAction(b.Weights, space.MinBits, space.MaxBits), BitMapping.ToAction(b.Activations, space.MinBits, space.MaxBits) }).ToArray();
        }
    }
}
