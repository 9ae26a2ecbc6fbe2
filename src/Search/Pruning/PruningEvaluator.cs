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
/// reused for every candidate; each candidate is pruned for real (optionally refitted), compiled with its batch norm
/// folded (<see cref="ScoringNetwork"/>) and run in inference mode, starting, where it pays, from the outputs of the
/// first layers that every candidate shares (<see cref="PrefixCache"/>).
/// </summary>
public sealed class PruningEvaluator : IDisposable
{
    private readonly SpecNetwork _network;
    private readonly FilterImportance _importance;
    private readonly LeastSquaresRefit? _refit;
    private readonly Tensor? _recalibration;
    private readonly PreparedBatches _validation;
    private readonly PrefixCache? _prefix;
    private readonly Dictionary<string, int> _groupIds;

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
        if (refit is null && recalibration is null) _prefix = PrefixCache.Create(network, _validation);
        _groupIds = network.Analysis.ChannelGroups.Where(g => g.Prunable).ToDictionary(PruningPolicy.KeyOf, g => g.Id);
    }

    public int Count => _validation.Count;

    public PrunedScore Score(PruningPolicy policy)
    {
        if (_refit is not null || _recalibration is not null)
        {
            using var pruned = Prune(policy);
            using var compiled = ScoringNetwork.Of(pruned);
            return new PrunedScore(_validation.Accuracy(compiled.Forward), pruned.Analysis.Macs, pruned.Analysis.Params);
        }
        // Nothing changes the cut weights: score them as they are, without building the pruned network's modules, and
        // start from the cached layers that no policy changes but for which channels they keep.
        using var scope = NewDisposeScope();
        var (spec, state, keptByKey) = ChannelPruner.PrunedState(_network, policy, _importance);
        using var scoring = new ScoringNetwork(spec, state);
        var kept = keptByKey.ToDictionary(p => _groupIds[p.Key], p => tensor(p.Value));
        double accuracy = _prefix is null
            ? _validation.Accuracy(scoring.Forward)
            : _validation.Accuracy((batch, images) => scoring.Forward(images, _prefix.For(batch, kept)));
        var analysis = spec.Analyze();
        return new PrunedScore(accuracy, analysis.Macs, analysis.Params);
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
        _prefix?.Dispose();
        _recalibration?.Dispose();
        _validation.Dispose();
    }
}
