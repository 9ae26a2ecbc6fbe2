using AutoDesign.Modeling;
using AutoDesign.Modeling.Supernet;

namespace AutoDesign.Search.Architecture.Predictor;

/// <summary>How well a predictor fitted on some samples predicts the others.</summary>
public sealed record PredictorQuality(string Predictor, int TrainSamples, int HeldOutSamples, double MeanAbsoluteError, double Spearman, double FitSeconds);

/// <summary>
/// Fits the MLP and the FastTree predictor on the same seeded split of a sample file (a fifth held out) and
/// scores both on the held-out sub-networks: mean absolute error of accuracy and Spearman's rank correlation (what
/// a search needs most: the order of candidates).
/// </summary>
public static class PredictorComparison
{
    public static IReadOnlyList<PredictorQuality> Run(AccuracySampleFile file, ulong seed = 1, MlpAccuracyPredictor.Settings? mlp = null)
    {
        var samples = file.Samples;
        if (samples.Count < 15) throw new ArgumentException($"comparing predictors needs at least 15 samples, got {samples.Count}");
        var order = new SplitMix64(seed).Permutation(samples.Count);
        int heldOut = Math.Max(3, samples.Count / 5);
        var test = order[..heldOut].Select(i => samples[i]).ToList();
        var train = order[heldOut..].Select(i => samples[i]).ToList();

        var results = new List<PredictorQuality>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var network = MlpAccuracyPredictor.Fit(file.Layout, train, (mlp ?? new MlpAccuracyPredictor.Settings()) with { Seed = seed }))
            results.Add(Score(network, train.Count, test, clock.Elapsed.TotalSeconds));
        clock.Restart();
        results.Add(Score(FastTreeAccuracyPredictor.Fit(file.Layout, train, (int)seed), train.Count, test, clock.Elapsed.TotalSeconds));
        return results;
    }

    public static PredictorQuality Score(IAccuracyPredictor predictor, int trainSamples, IReadOnlyList<AccuracySample> test, double fitSeconds)
    {
        var predicted = test.Select(s => predictor.Predict(s.Choice)).ToArray();
        var actual = test.Select(s => s.Accuracy).ToArray();
        double mae = predicted.Zip(actual).Average(p => Math.Abs(p.First - p.Second));
        return new PredictorQuality(predictor.Name, trainSamples, test.Count, mae, MathNet.Numerics.Statistics.Correlation.Spearman(predicted, actual), fitSeconds);
    }
}
