using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using static TorchSharp.torch;

namespace AutoDesign.Search.Pruning;

/// <summary>A pruned candidate measured on the network rebuilt from its own spec.</summary>
/// <param name="ScreenedOn">The images it was scored on, where it was scored on the screening subset only (null: on all).</param>
/// <param name="Perplexity">A language model's perplexity on the validation windows (its accuracy is next-token accuracy).</param>
public sealed record PrunedScore(double Accuracy, long Macs, long Params, int? ScreenedOn = null, double? Perplexity = null);

/// <summary>
/// Scores pruning policies on a fixed validation subset. The subset is converted to normalised tensors once and
/// reused for every candidate; each candidate is pruned for real (optionally refitted), compiled with its batch norm
/// folded (<see cref="ScoringNetwork"/>) and run in inference mode, starting, where it pays, from the outputs of the
/// first layers that every candidate shares (<see cref="PrefixCache"/>). With screening (successive halving), a
/// candidate is scored on the first images first and on the rest only if the caller finds it worth it.
/// </summary>
public sealed class PruningEvaluator : IPruningEvaluator
{
    private const int BatchSize = 500;

    private readonly SpecNetwork _network;
    private readonly FilterImportance _importance;
    private readonly LeastSquaresRefit? _refit;
    private readonly Tensor? _recalibration;
    private readonly PreparedBatches _validation;
    private readonly PrefixCache? _prefix;
    private readonly Dictionary<string, int> _groupIds;
    private readonly int _screenBatches;

    /// <param name="recalibration">Training images on which each pruned network's batch-norm statistics are re-estimated, or null.</param>
    /// <param name="screenImages">Images a candidate is screened on before the rest (0: none); rounded up to whole batches.</param>
    public PruningEvaluator(SpecNetwork network, ImageSet validation, float[] mean, float[] std,
        FilterImportance importance = FilterImportance.L1, LeastSquaresRefit? refit = null, ImageSet? recalibration = null, int screenImages = 0)
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
        // Screening needs whole batches; without it the batches stay as they always were, and so does every figure.
        int batchSize = screenImages is > 0 and < BatchSize ? screenImages : BatchSize;
        _validation = new PreparedBatches(validation, mean, std, batchSize);
        _screenBatches = screenImages > 0 ? (screenImages + batchSize - 1) / batchSize : int.MaxValue;
        if (refit is null && recalibration is null) _prefix = PrefixCache.Create(network, _validation);
        _groupIds = network.Analysis.ChannelGroups.Where(g => g.Prunable).ToDictionary(PruningPolicy.KeyOf, g => g.Id);
    }

    public int Count => _validation.Count;

    /// <param name="worthTheRest">
    /// Given the accuracy on the screening images and their number, whether to score the rest; null: score all.
    /// </param>
    public PrunedScore Score(PruningPolicy policy, Func<double, int, bool>? worthTheRest = null)
    {
        // With a refit or new batch-norm statistics the pruned network is built and changed first; otherwise the cut
        // weights are scored as they are, without building modules, starting from the cached shared layers.
        using var module = _refit is not null || _recalibration is not null ? Prune(policy) : null;
        using var scope = NewDisposeScope();
        ScoringNetwork scoring;
        Func<int, Tensor, Tensor> forward;
        ModelSpec spec;
        if (module is not null)
        {
            spec = module.Spec;
            scoring = ScoringNetwork.Of(module);
            forward = (_, images) => scoring.Forward(images);
        }
        else
        {
            (spec, var state, var keptByKey) = ChannelPruner.PrunedState(_network, policy, _importance);
            scoring = new ScoringNetwork(spec, state);
            var kept = keptByKey.ToDictionary(p => _groupIds[p.Key], p => tensor(p.Value));
            forward = _prefix is null ? (_, images) => scoring.Forward(images) : (batch, images) => scoring.Forward(images, _prefix.For(batch, kept));
        }
        using (scoring)
        {
            int batches = _validation.Batches.Count, screen = worthTheRest is null ? batches : Math.Min(_screenBatches, batches);
            var (correct, seen) = _validation.Correct(forward, 0, screen);
            int? screenedOn = null;
            if (screen < batches)
            {
                if (worthTheRest!((double)correct / seen, seen))
                {
                    var (more, rest) = _validation.Correct(forward, screen, batches);
                    (correct, seen) = (correct + more, seen + rest);
                }
                else screenedOn = seen;
            }
            var analysis = spec.Analyze();
            return new PrunedScore((double)correct / seen, analysis.Macs, analysis.Params, screenedOn);
        }
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
