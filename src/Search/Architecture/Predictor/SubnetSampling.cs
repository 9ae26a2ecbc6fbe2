using System.Diagnostics;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Architecture.Predictor;

/// <summary>The measured sub-networks of a super-network and how well each predictor learns them.</summary>
public sealed record SampledSubnets(string Supernet, AccuracySampleFile File, IReadOnlyList<PredictorQuality> Predictors, double Seconds);

/// <summary>
/// Measuring sub-networks of a saved super-network (inherited weights, batch norm re-estimated) into its folder, the
/// data the accuracy predictors of predictor-guided nas jobs are fitted on, and comparing the predictors on them; a
/// second call adds to the earlier samples.
/// </summary>
public static class SubnetSampling
{
    public static SampledSubnets Run(string nameOrPath, int count, DataFolder folder, ILogger logger, Action<AccuracySample>? onSample = null,
        CancellationToken cancellation = default)
    {
        if (count < AccuracyPredictors.MinimumSamples) throw new ArgumentException($"--count must be at least {AccuracyPredictors.MinimumSamples}, got {count}");
        string directory = SupernetFolders.Require(nameOrPath, folder);
        var saved = SavedSupernet.Load(directory);
        var data = DatasetCatalog.Load(saved.Dataset, folder);
        using var network = saved.CreateNetwork(directory);
        using var evaluator = new SubnetEvaluator(data, SupernetFolders.ValidationImages, SupernetFolders.RecalibrationImages);
        var clock = Stopwatch.StartNew();
        var file = new AccuracySampling(logger).Collect(network, evaluator, saved.Dataset, SupernetFolders.RecalibrationImages, count, directory,
            onSample: onSample, cancellation: cancellation);
        return new SampledSubnets(directory, file, PredictorComparison.Run(file), clock.Elapsed.TotalSeconds);
    }
}
