using AutoDesign.Modeling;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Architecture.Predictor;

namespace AutoDesign.Search.Tests.Architecture.Predictor;

public sealed class PredictorComparisonTests
{
    private static readonly SupernetLayout Layout = SupernetLayout.Small(new InputSpec(1, 28, 28), 10);

    /// <summary>A made-up accuracy that rises with kernel, expansion and depth.</summary>
    private static List<AccuracySample> Synthetic(int count, ulong seed)
    {
        var space = new SubnetSpace(Layout);
        var random = new SplitMix64(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var choice = space.Canonical(space.Sample(random));
            double accuracy = 0.6 + choice.Depths.Sum() * 0.01;
            for (int s = 0, first = 0; s < choice.Depths.Count; first += 4, s++)
                for (int b = 0; b < choice.Depths[s]; b++)
                    accuracy += 0.004 * (choice.Kernels[first + b] - 3) + 0.003 * (choice.Expansions[first + b] - 3);
            return new AccuracySample(choice, space.Encode(choice), accuracy, 0, 0);
        }).ToList();
    }

    [Fact]
    public void The_tree_ensemble_ranks_held_out_sub_networks()
    {
        var train = Synthetic(200, 1);
        var test = Synthetic(50, 2);
        var quality = PredictorComparison.Score(FastTreeAccuracyPredictor.Fit(Layout, train), train.Count, test, 0);
        Assert.True(quality.Spearman > 0.8, $"Spearman {quality.Spearman:F3}");
        Assert.True(quality.MeanAbsoluteError < 0.02, $"MAE {quality.MeanAbsoluteError:F4}");
    }

    [Fact]
    public void Both_predictors_are_scored_on_the_same_held_out_fifth()
    {
        var file = new AccuracySampleFile(Layout, "fashion-mnist", 1000, 500, Synthetic(100, 3));
        var results = PredictorComparison.Run(file, mlp: new MlpAccuracyPredictor.Settings { Epochs = 60 });
        Assert.Equal(["mlp", "fasttree"], results.Select(r => r.Predictor));
        Assert.All(results, r => Assert.Equal((80, 20), (r.TrainSamples, r.HeldOutSamples)));
        Assert.All(results, r => Assert.True(r.Spearman > 0.5, $"{r.Predictor}: Spearman {r.Spearman:F3}"));
    }

    [Fact]
    public void Constant_predictions_carry_no_rank_information()
    {
        var test = Synthetic(20, 4);
        var quality = PredictorComparison.Score(new Constant(), 0, test, 0);
        Assert.True(double.IsNaN(quality.Spearman));
    }

    private sealed class Constant : IAccuracyPredictor
    {
        public string Name => "constant";

        public double Predict(SubnetChoice choice) => 0.5;
    }
}
