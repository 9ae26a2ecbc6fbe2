using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using static TorchSharp.torch;

namespace AutoDesign.Search.Pruning;

/// <summary>A pruned candidate measured on the network rebuilt from its own spec.</summary>
public sealed record PrunedScore(double Accuracy, long Macs, long Params);

/// <summary>
/// Scores pruning policies on a fixed validation subset. The subset is converted to normalised tensors once and
/// reused for every candidate; each candidate is pruned for real (optionally refitted) and run in inference mode.
/// </summary>
public sealed class PruningEvaluator : IDisposable
{
    private readonly SpecNetwork _network;
    private readonly FilterImportance _importance;
    private readonly LeastSquaresRefit? _refit;
    private readonly Tensor? _recalibration;
    private readonly PreparedBatches _validation;

    /// <param name="recalibration">Training images on which each pruned network's batch-norm statistics are re-estimated, or null.</param>
    public PruningEvaluator(SpecNetwork network, ImageSet validation, float[] mean, float[] std,
        FilterImportance importance = FilterImportance.L1, LeastSquaresRefit? refit = null, ImageSet? recalibration = null)
    {
        _network = network;
        _importance = importance;
        _refit = refit;
        if (recalibration is not null)
        {
            using var images = new BatchSource(recalibration, mean, std);
            using var scope = NewDisposeScope();
            _recalibration = images.Range(0, recalibration.Count).Images.DetachFromDisposeScope();
        }
        _validation = new PreparedBatches(validation, mean, std);
    }

    public int Count => _validation.Count;

    public PrunedScore Score(PruningPolicy policy)
    {
        using var pruned = Prune(policy);
        return new PrunedScore(Accuracy(pruned), pruned.Analysis.Macs, pruned.Analysis.Params);
    }

    /// <summary>The pruned (and, if configured, refitted) network; the caller disposes it.</summary>
    public SpecNetwork Prune(PruningPolicy policy)
    {
        var (pruned, kept) = ChannelPruner.PruneKeepingIndices(_network, policy, _importance);
        _refit?.Apply(_network, pruned, kept);
        if (_recalibration is not null) BatchNormRecalibration.Apply(pruned, _recalibration);
        return pruned;
    }

    public double Accuracy(SpecNetwork network) => _validation.Accuracy(network);

    public void Dispose()
    {
        _recalibration?.Dispose();
        _validation.Dispose();
    }
}
