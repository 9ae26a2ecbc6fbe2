using System.Text.Json;
using AutoDesign.HardwareProfiler.Tables;
using AutoDesign.Modeling;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AutoDesign.HardwareProfiler.Predictors;

/// <summary>
/// A regression model (ML.NET FastTree, on the logarithm of latency) from layer features to latency, trained on a
/// look-up table's entries. It answers for layers no sweep ever measured. Training holds out a fifth of the entries
/// and reports the model's mean absolute percentage error on them.
/// </summary>
public sealed class LatencyPredictor
{
    private sealed class Sample
    {
        [VectorType(LayerFeatures.Count)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }

    /// <summary>What a trained predictor says of itself, stored beside it.</summary>
    /// <param name="Features">How many features per layer the predictor was trained on (older cards: 0).</param>
    public sealed record Card(string Name, string Source, Modeling.Specs.Precision Precision, int TrainingSamples, int HeldOutSamples, double HeldOutMape, DateTimeOffset CreatedAt, int Features = 0);

    private readonly MLContext _ml = new(seed: 1);
    private readonly PredictionEngine<Sample, Prediction> _engine;

    private LatencyPredictor(ITransformer model, Card card)
    {
        Info = card;
        _engine = _ml.Model.CreatePredictionEngine<Sample, Prediction>(model);
        Model = model;
    }

    public Card Info { get; }

    private ITransformer Model { get; }

    public static string DirectoryIn(DataFolder folder) => Path.Combine(folder.Root, "predictors");

    public double PredictMilliseconds(string layerKey)
    {
        lock (_engine) return Math.Exp(_engine.Predict(new Sample { Features = LayerFeatures.FromKey(layerKey) }).Score);
    }

    public static LatencyPredictor Train(string name, LatencyTable table, ulong seed = 1)
    {
        var samples = table.Entries.Where(e => e.Value.Mean > 0)
            .Select(e => (e.Key, Sample: new Sample { Features = LayerFeatures.FromKey(e.Key), Label = (float)Math.Log(e.Value.Mean) }))
            .ToList();
        if (samples.Count < 10) throw new ArgumentException($"table '{table.Name}' has {samples.Count} usable entries; a predictor needs at least 10");
        var order = new SplitMix64(seed).Permutation(samples.Count);
        int heldOut = Math.Max(2, samples.Count / 5);
        var test = order[..heldOut].Select(i => samples[i]).ToList();
        var train = order[heldOut..].Select(i => samples[i].Sample).ToList();

        var ml = new MLContext(seed: (int)seed);
        var trainer = ml.Regression.Trainers.FastTree(new Microsoft.ML.Trainers.FastTree.FastTreeRegressionTrainer.Options
        {
            NumberOfTrees = 200,
            NumberOfLeaves = 16,
            MinimumExampleCountPerLeaf = 2,
            LearningRate = 0.1,
        });
        var model = trainer.Fit(ml.Data.LoadFromEnumerable(train));
        var engine = ml.Model.CreatePredictionEngine<Sample, Prediction>(model);
        double mape = test.Average(t => Math.Abs(Math.Exp(engine.Predict(t.Sample).Score) - Math.Exp(t.Sample.Label)) / Math.Exp(t.Sample.Label));
        return new LatencyPredictor(model, new Card(name, table.Source, table.Precision, train.Count, test.Count, mape, DateTimeOffset.UtcNow, LayerFeatures.Count));
    }

    public void Save(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        _ml.Model.Save(Model, null, Path.Combine(directory, Info.Name + ".zip"));
        File.WriteAllText(Path.Combine(directory, Info.Name + ".json"), JsonSerializer.Serialize(Info, AutoDesignJson.Indented));
    }

    /// <summary>The predictor of this name in the data folder's predictors/ (the name goes through the folder's input gate).</summary>
    public static LatencyPredictor Load(DataFolder folder, string name)
    {
        string directory = DirectoryIn(folder);
        string? model = folder.Inputs.FindFile(Path.Combine(directory, name + ".zip"), Modeling.Inputs.InputFormat.Predictor);
        string? card = folder.Inputs.FindFile(Path.Combine(directory, name + ".json"), Modeling.Inputs.InputFormat.Predictor);
        if (model is null || card is null)
            throw new ArgumentException($"predictor:{name}: not found in the data folder's predictors/; train one with `autodesign sweep --target <measured target> --name {name}`");
        var info = JsonSerializer.Deserialize<Card>(File.ReadAllText(card), AutoDesignJson.Options)!;
        if (info.Features != LayerFeatures.Count)
            throw new ArgumentException($"predictor:{name}: was trained on an older description of layers; train it again with `autodesign sweep --target {info.Source} --name {name}`");
        var ml = new MLContext(seed: 1);
        var loaded = ml.Model.Load(model, out _);
        return new LatencyPredictor(loaded, info);
    }
}
