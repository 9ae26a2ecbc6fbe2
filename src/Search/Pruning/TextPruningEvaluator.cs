using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using static TorchSharp.torch;

namespace AutoDesign.Search.Pruning;

/// <summary>
/// Scores pruning policies of a language model on fixed windows of held-out text, spread over the stream and made into
/// tensors once: each candidate's weights are cut for real (<see cref="ChannelPruner.PrunedState"/>) and run as a
/// <see cref="ScoringNetwork"/>, without building modules. Its accuracy is next-token accuracy, with the perplexity
/// beside it. Every candidate is scored on every window (screening is for image classifiers).
/// </summary>
public sealed class TextPruningEvaluator : IPruningEvaluator
{
    private readonly SpecNetwork _network;
    private readonly FilterImportance _importance;
    private readonly TokenBatches _validation;

    /// <param name="windows">At most this many windows of the network's context, evenly spaced over <paramref name="validation"/>.</param>
    public TextPruningEvaluator(SpecNetwork network, byte[] validation, int windows, FilterImportance importance = FilterImportance.L1)
    {
        if (!network.Spec.Input.IsTokens) throw new ArgumentException($"{network.Spec.Name} takes {network.Spec.Input}, not tokens", nameof(network));
        _network = network;
        _importance = importance;
        int context = network.Spec.Input.Width;
        _validation = new TokenBatches(validation, context, TokenWindows.Spread(validation, context, windows));
    }

    public int Count => _validation.Windows;

    public PrunedScore Score(PruningPolicy policy, Func<double, int, bool>? worthTheRest = null)
    {
        using var scope = NewDisposeScope();
        var (spec, state, _) = ChannelPruner.PrunedState(_network, policy, _importance);
        using var scoring = new ScoringNetwork(spec, state);
        var evaluation = _validation.Evaluate(scoring.Forward);
        var analysis = spec.Analyze();
        return new PrunedScore(evaluation.Accuracy, analysis.Macs, analysis.Params, Perplexity: evaluation.Perplexity);
    }

    public SpecNetwork Prune(PruningPolicy policy) => ChannelPruner.Prune(_network, policy, _importance);

    public double Accuracy(SpecNetwork network) => Evaluate(network).Accuracy;

    /// <summary>A network's next-token accuracy and perplexity on the validation windows; leaves it in inference mode.</summary>
    public TextEvaluation Evaluate(SpecNetwork network)
    {
        network.eval();
        return _validation.Evaluate(network.forward);
    }

    public void Dispose() => _validation.Dispose();
}
