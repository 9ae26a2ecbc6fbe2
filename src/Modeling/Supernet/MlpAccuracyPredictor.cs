using AutoDesign.Modeling.Torch;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// Once-for-All's accuracy predictor: a multi-layer perceptron (three hidden layers of 400 ReLU units) from
/// <see cref="ChoiceFeatures.OneHot"/> to accuracy, predicting the difference from the training samples' mean.
/// Trained in mini-batches with Adam on mean squared error; weights are drawn from its own seeded generator.
/// </summary>
public sealed class MlpAccuracyPredictor : IAccuracyPredictor, IDisposable
{
    public sealed record Settings
    {
        public int Hidden { get; init; } = 400;

        public int Epochs { get; init; } = 300;

        public int BatchSize { get; init; } = 32;

        public double LearningRate { get; init; } = 1e-3;

        public double WeightDecay { get; init; } = 1e-4;

        public ulong Seed { get; init; } = 1;
    }

    private const string WeightsFile = "mlp-predictor.dat", CardFile = "mlp-predictor.json";

    private sealed record Card(SupernetLayout Layout, int Hidden, double Base);

    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly SupernetLayout _layout;
    private readonly int _hidden;
    private readonly double _base;

    private MlpAccuracyPredictor(SupernetLayout layout, int hidden, double @base)
    {
        _layout = layout;
        _hidden = hidden;
        _base = @base;
        int features = ChoiceFeatures.Count(layout);
        _network = nn.Sequential(
            nn.Linear(features, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 1));
    }

    public string Name => "mlp";

    /// <summary>The perceptron, for a predictor that starts from its weights (<see cref="QuantizationAwarePredictor"/>).</summary>
    internal nn.Module<Tensor, Tensor> Network => _network;

    /// <summary>The accuracy the perceptron predicts differences from.</summary>
    internal double Base => _base;

    public static MlpAccuracyPredictor Fit(SupernetLayout layout, IReadOnlyList<AccuracySample> samples, Settings? settings = null)
    {
        settings ??= new Settings();
        if (samples.Count < 2) throw new ArgumentException($"a predictor needs at least 2 samples, got {samples.Count}");
        var predictor = new MlpAccuracyPredictor(layout, settings.Hidden, samples.Average(s => s.Accuracy));
        var random = new SplitMix64(settings.Seed);
        SeededInitialization.UniformFanIn(predictor._network, random);

        using var scope = NewDisposeScope();
        var x = predictor.Features(samples.Select(s => s.Choice));
        var y = tensor(samples.Select(s => (float)(s.Accuracy - predictor._base)).ToArray()).unsqueeze(1);
        using var optimizer = optim.Adam(predictor._network.parameters(), settings.LearningRate, weight_decay: settings.WeightDecay);
        predictor._network.train();
        for (int epoch = 0; epoch < settings.Epochs; epoch++)
        {
            var order = random.Permutation(samples.Count);
            for (int start = 0; start < order.Length; start += settings.BatchSize)
            {
                using var step = NewDisposeScope();
                using var batch = tensor(order.Skip(start).Take(settings.BatchSize).Select(i => (long)i).ToArray());
                optimizer.zero_grad();
                var loss = nn.functional.mse_loss(predictor._network.forward(x.index_select(0, batch)), y.index_select(0, batch));
                loss.backward();
                optimizer.step();
            }
        }
        predictor._network.eval();
        return predictor;
    }

    public double Predict(SubnetChoice choice) => PredictMany([choice])[0];

    public double[] PredictMany(IReadOnlyList<SubnetChoice> choices)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var output = _network.forward(Features(choices)).squeeze(1);
        return output.data<float>().Select(v => v + _base).ToArray();
    }

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        _network.save(Path.Combine(directory, WeightsFile));
        File.WriteAllText(Path.Combine(directory, CardFile), JsonSerializer.Serialize(new Card(_layout, _hidden, _base)));
    }

    public static MlpAccuracyPredictor Load(string directory)
    {
        var card = JsonSerializer.Deserialize<Card>(File.ReadAllText(Path.Combine(directory, CardFile)))
                   ?? throw new InvalidDataException($"{Path.Combine(directory, CardFile)} is empty");
        var predictor = new MlpAccuracyPredictor(card.Layout, card.Hidden, card.Base);
        predictor._network.load(Path.Combine(directory, WeightsFile));
        predictor._network.eval();
        return predictor;
    }

    public void Dispose() => _network.Dispose();

    private Tensor Features(IEnumerable<SubnetChoice> choices)
    {
        var rows = choices.Select(c => ChoiceFeatures.OneHot(_layout, c)).ToArray();
        return tensor(rows.SelectMany(r => r).ToArray()).reshape(rows.Length, ChoiceFeatures.Count(_layout));
    }
}
