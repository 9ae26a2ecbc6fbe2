using AutoDesign.Modeling.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// APQ's quantization-aware accuracy predictor: Once-for-All's perceptron (<see cref="MlpAccuracyPredictor"/>) whose
/// input is the architecture's one-hot encoding followed, for every layer whose bits are chosen, by a one-hot of its
/// weight bits and one of its activation bits (all zeros for a layer the sub-network does not have). Transferred, it
/// starts as the full-precision predictor: the architecture's input weights, the hidden layers and the base accuracy
/// are copied and the bits' input weights start at zero, so it first predicts the full-precision accuracy and the
/// quantized samples only have to teach it what the bits cost. From scratch, every weight is drawn afresh.
/// A transferred predictor is fitted gently (<see cref="Transferring"/>): at the from-scratch rate of 1e-3 a few
/// dozen samples undo what it knew (on fmnist-all, 25 designs at their bits: Spearman 0.06 against 0.75 at 1e-5).
/// </summary>
public sealed class QuantizationAwarePredictor : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly SupernetLayout _layout;
    private readonly IReadOnlyList<int> _bits;
    private readonly double _base;

    private QuantizationAwarePredictor(SupernetLayout layout, IReadOnlyList<int> bits, int hidden, double @base)
    {
        _layout = layout;
        _bits = bits;
        _base = @base;
        _network = nn.Sequential(
            nn.Linear(FeatureCount(layout, bits), hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 1));
    }

    /// <summary>Whether it started from a full-precision predictor's weights.</summary>
    public bool Transferred { get; private init; }

    /// <summary>How a transferred predictor is fitted: 100 epochs at a learning rate of 1e-5.</summary>
    public static MlpAccuracyPredictor.Settings Transferring(ulong seed) => new() { Seed = seed, LearningRate = 1e-5, Epochs = 100 };

    public static int FeatureCount(SupernetLayout layout, IReadOnlyList<int> bits) =>
        ChoiceFeatures.Count(layout) + SubnetPrecision.LayerNames(layout).Count * 2 * bits.Count;

    /// <param name="bits">The bit-widths a layer may take, ascending.</param>
    /// <param name="transferFrom">The full-precision predictor to start from; null trains from scratch.</param>
    public static QuantizationAwarePredictor Fit(SupernetLayout layout, IReadOnlyList<int> bits, IReadOnlyList<QuantizedAccuracySample> samples,
        MlpAccuracyPredictor? transferFrom, MlpAccuracyPredictor.Settings? settings = null)
    {
        settings ??= new MlpAccuracyPredictor.Settings();
        if (samples.Count < 2) throw new ArgumentException($"a predictor needs at least 2 samples, got {samples.Count}");
        var predictor = new QuantizationAwarePredictor(layout, bits, settings.Hidden, transferFrom?.Base ?? samples.Average(s => s.Accuracy))
        {
            Transferred = transferFrom is not null,
        };
        var random = new SplitMix64(settings.Seed);
        try
        {
            SeededInitialization.UniformFanIn(predictor._network, random);
            if (transferFrom is not null) predictor.CopyFrom(transferFrom);
            predictor.Train(samples, settings, random);
        }
        catch
        {
            predictor.Dispose();
            throw;
        }
        return predictor;
    }

    private void Train(IReadOnlyList<QuantizedAccuracySample> samples, MlpAccuracyPredictor.Settings settings, SplitMix64 random)
    {
        using var scope = NewDisposeScope();
        var x = Features(samples.Select(s => (s.Choice, s.Bits)).ToList());
        var y = tensor(samples.Select(s => (float)(s.Accuracy - _base)).ToArray()).unsqueeze(1);
        using var optimizer = optim.Adam(_network.parameters(), settings.LearningRate, weight_decay: settings.WeightDecay);
        _network.train();
        for (int epoch = 0; epoch < settings.Epochs; epoch++)
        {
            var order = random.Permutation(samples.Count);
            for (int start = 0; start < order.Length; start += settings.BatchSize)
            {
                using var step = NewDisposeScope();
                using var batch = tensor(order.Skip(start).Take(settings.BatchSize).Select(i => (long)i).ToArray());
                optimizer.zero_grad();
                nn.functional.mse_loss(_network.forward(x.index_select(0, batch)), y.index_select(0, batch)).backward();
                optimizer.step();
            }
        }
        _network.eval();
    }

    public double Predict(SubnetChoice choice, SubnetPrecision bits) => PredictMany([(choice, bits)])[0];

    public double[] PredictMany(IReadOnlyList<(SubnetChoice Choice, SubnetPrecision Bits)> designs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return _network.forward(Features(designs)).squeeze(1).data<float>().Select(v => v + _base).ToArray();
    }

    public void Dispose() => _network.Dispose();

    private void CopyFrom(MlpAccuracyPredictor source)
    {
        var from = source.Network.state_dict();
        var to = _network.state_dict();
        if (from.Count != to.Count) throw new ArgumentException("the full-precision predictor has another shape");
        int architecture = ChoiceFeatures.Count(_layout);
        using var noGrad = no_grad();
        foreach (var (name, target) in to)
        {
            var weights = from[name];
            if (name == "0.weight")
            {
                if (weights.shape[1] != architecture || weights.shape[0] != target.shape[0])
                    throw new ArgumentException($"the full-precision predictor's input is {weights.shape[1]} features wide, this layout's architecture {architecture}");
                target.zero_();
                using var columns = target.narrow(1, 0, architecture);
                columns.copy_(weights);
            }
            else target.copy_(weights);
        }
    }

    private Tensor Features(IReadOnlyList<(SubnetChoice Choice, SubnetPrecision Bits)> designs)
    {
        int width = FeatureCount(_layout, _bits), architecture = ChoiceFeatures.Count(_layout), levels = _bits.Count;
        var rows = new float[designs.Count * width];
        for (int r = 0; r < designs.Count; r++)
        {
            var (choice, bits) = designs[r];
            ChoiceFeatures.OneHot(_layout, choice).CopyTo(rows, r * width);
            var active = SubnetPrecision.Active(_layout, choice);
            for (int layer = 0; layer < active.Length; layer++)
            {
                if (!active[layer]) continue;
                int at = r * width + architecture + layer * 2 * levels;
                rows[at + IndexOf(bits.Layers[layer].WeightBits)] = 1;
                rows[at + levels + IndexOf(bits.Layers[layer].ActivationBits)] = 1;
            }
        }
        return tensor(rows).reshape(designs.Count, width);
    }

    private int IndexOf(int bits)
    {
        for (int i = 0; i < _bits.Count; i++)
            if (_bits[i] == bits) return i;
        throw new ArgumentException($"{bits} bits is not one of {string.Join(", ", _bits)}");
    }
}
