using AutoDesign.Modeling.Supernet;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace AutoDesign.Search.Architecture.Predictor;

/// <summary>
/// A gradient-boosted regression tree ensemble (ML.NET FastTree) from <see cref="ChoiceFeatures.OneHot"/> to accuracy:
/// the classical alternative to Once-for-All's MLP, often better with a few hundred samples.
/// </summary>
public sealed class FastTreeAccuracyPredictor : IAccuracyPredictor
{
    private sealed class Row
    {
        public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }

    private readonly SupernetLayout _layout;
    private readonly PredictionEngine<Row, Prediction> _engine;

    private FastTreeAccuracyPredictor(SupernetLayout layout, PredictionEngine<Row, Prediction> engine)
    {
        _layout = layout;
        _engine = engine;
    }

    public string Name => "fasttree";

    public static FastTreeAccuracyPredictor Fit(SupernetLayout layout, IReadOnlyList<AccuracySample> samples, int seed = 1)
    {
        if (samples.Count < 10) throw new ArgumentException($"a tree ensemble needs at least 10 samples, got {samples.Count}");
        int features = ChoiceFeatures.Count(layout);
        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        var rows = samples.Select(s => new Row { Features = ChoiceFeatures.OneHot(layout, s.Choice), Label = (float)s.Accuracy }).ToList();
        var trainer = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            NumberOfTrees = 300,
            NumberOfLeaves = 8,
            MinimumExampleCountPerLeaf = 3,
            LearningRate = 0.05,
        });
        var model = trainer.Fit(ml.Data.LoadFromEnumerable(rows, schema));
        return new FastTreeAccuracyPredictor(layout, ml.Model.CreatePredictionEngine<Row, Prediction>(model, inputSchemaDefinition: schema));
    }

    public double Predict(SubnetChoice choice)
    {
        lock (_engine) return _engine.Predict(new Row { Features = ChoiceFeatures.OneHot(_layout, choice) }).Score;
    }
}
