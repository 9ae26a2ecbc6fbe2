using AutoDesign.Modeling.Supernet;

namespace AutoDesign.Search.Architecture.Predictor;

/// <summary>Fits an accuracy predictor by name: <c>mlp</c> (Once-for-All's) or <c>fasttree</c>, seeded.</summary>
public static class AccuracyPredictors
{
    public static readonly IReadOnlyList<string> Models = ["mlp", "fasttree"];

    /// <summary>The fewest measured sub-networks a predictor is fitted on.</summary>
    public const int MinimumSamples = 20;

    /// <returns>The fitted predictor; the MLP holds native tensors, so dispose it when it is an <see cref="IDisposable"/>.</returns>
    public static IAccuracyPredictor Fit(string model, SupernetLayout layout, IReadOnlyList<AccuracySample> samples, int seed) => model switch
    {
        "mlp" => MlpAccuracyPredictor.Fit(layout, samples, new MlpAccuracyPredictor.Settings { Seed = (ulong)seed }),
        "fasttree" => FastTreeAccuracyPredictor.Fit(layout, samples, seed),
        _ => throw new ArgumentException($"unknown accuracy predictor '{model}': use mlp or fasttree", nameof(model)),
    };
}
