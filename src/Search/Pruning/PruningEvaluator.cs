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
    private const int BatchSize = 500;
    private readonly SpecNetwork _network;
    private readonly FilterImportance _importance;
    private readonly LeastSquaresRefit? _refit;
    private readonly Tensor? _recalibration;
    private readonly List<(Tensor Images, Tensor Labels)> _batches = [];

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
        Count = validation.Count;
        using var source = new BatchSource(validation, mean, std);
        for (long start = 0; start < validation.Count; start += BatchSize)
        {
            var (images, labels) = source.Range(start, BatchSize);
            _batches.Add((images.DetachFromDisposeScope(), labels.DetachFromDisposeScope()));
        }
    }

    public int Count { get; }

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

    public double Accuracy(SpecNetwork network)
    {
        network.eval();
        using var noGrad = no_grad();
        long correct = 0;
        foreach (var (images, labels) in _batches)
        {
            using var scope = NewDisposeScope();
            correct += network.forward(images).argmax(1).eq(labels).sum().item<long>();
        }
        return (double)correct / Count;
    }

    public void Dispose()
    {
        _recalibration?.Dispose();
        foreach (var (images, labels) in _batches)
        {
            images.Dispose();
            labels.Dispose();
        }
    }
}
