using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutoDesign.Modeling.Tests.Supernet;

public sealed class AccuracyPredictorTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>A made-up accuracy that rises with kernel, expansion and depth, with an interaction term.</summary>
    internal static List<AccuracySample> Synthetic(SubnetSpace space, int count, ulong seed)
    {
        var random = new SplitMix64(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var choice = space.Canonical(space.Sample(random));
            double accuracy = 0.6;
            for (int s = 0, first = 0; s < choice.Depths.Count; first += 4, s++)
                for (int b = 0; b < choice.Depths[s]; b++)
                    accuracy += 0.004 * (choice.Kernels[first + b] - 3) + 0.003 * (choice.Expansions[first + b] - 3) + (s == 2 && choice.Kernels[first + b] == 7 ? 0.01 : 0);
            return new AccuracySample(choice, space.Encode(choice), accuracy, 0, 0);
        }).ToList();
    }

    [Fact]
    public void The_mlp_learns_to_rank_sub_networks_it_has_not_seen()
    {
        var space = new SubnetSpace(SupernetFixtures.Small);
        var train = Synthetic(space, 200, 1);
        var test = Synthetic(space, 50, 2);

        using var predictor = MlpAccuracyPredictor.Fit(space.Layout, train, new MlpAccuracyPredictor.Settings { Epochs = 100 });
        var predicted = test.Select(s => predictor.Predict(s.Choice)).ToArray();

        double spearman = MathNet.Numerics.Statistics.Correlation.Spearman(predicted, test.Select(s => s.Accuracy).ToArray());
        double mae = predicted.Zip(test).Average(p => Math.Abs(p.First - p.Second.Accuracy));
        Assert.True(spearman > 0.9, $"Spearman {spearman:F3}");
        Assert.True(mae < 0.02, $"MAE {mae:F4}");

        string saved = Path.Combine(_data.Root, "mlp");
        predictor.Save(saved);
        using var loaded = MlpAccuracyPredictor.Load(saved);
        Assert.Equal(predicted[0], loaded.Predict(test[0].Choice), 6);
    }

    [Fact]
    public void Sampling_scores_distinct_sub_networks_writes_json_and_csv_and_continues_a_file()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        using var network = SupernetFixtures.Randomized(SupernetFixtures.Tiny, 31);
        using var evaluator = new SubnetEvaluator(mnist, validationLimit: 100, recalibrationImages: 64);
        string directory = Path.Combine(_data.Root, "samples");
        var sampling = new AccuracySampling(NullLogger.Instance);

        var first = sampling.Collect(network, evaluator, "mnist", 64, count: 3, directory);
        var measured = new List<AccuracySample>();
        var second = sampling.Collect(network, evaluator, "mnist", 64, count: 5, directory, onSample: measured.Add);

        Assert.Equal(3, first.Samples.Count);
        Assert.Equal(2, measured.Count); // the first three were kept, not measured again
        Assert.Equal(5, second.Samples.Count);
        Assert.Equal(network.Space.Largest, second.Samples[0].Choice);
        Assert.All(second.Samples, s => Assert.InRange(s.Accuracy, 0.0, 1.0));
        Assert.True(second.Samples[0].Macs > second.Samples[1].Macs);
        var csv = File.ReadAllLines(Path.Combine(directory, AccuracySampleFile.CsvName));
        Assert.Equal(6, csv.Length);
        Assert.StartsWith("s1b1.kernel,s1b1.expansion,", csv[0]);
        Assert.EndsWith("accuracy,macs,params", csv[0]);
        var reloaded = AccuracySampleFile.TryLoad(directory)!;
        Assert.Equal(second.Samples.Select(s => s.Choice), reloaded.Samples.Select(s => s.Choice));
    }
}
