using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;

namespace AutoDesign.Search.Pruning;

/// <summary>
/// Scores pruning policies on the really pruned network: an image classifier's top-1 accuracy on validation images
/// (<see cref="PruningEvaluator"/>), a language model's next-token accuracy and perplexity on validation windows
/// (<see cref="TextPruningEvaluator"/>).
/// </summary>
public interface IPruningEvaluator : IDisposable
{
    /// <summary>The images or windows each candidate is scored on.</summary>
    int Count { get; }

    /// <param name="worthTheRest">
    /// Given the accuracy on a screening subset and its size, whether to score the rest; null: score all. An evaluator
    /// without screening scores all.
    /// </param>
    PrunedScore Score(PruningPolicy policy, Func<double, int, bool>? worthTheRest = null);

    /// <summary>The pruned network (changed as the evaluator changes its candidates before scoring them); the caller disposes it.</summary>
    SpecNetwork Prune(PruningPolicy policy);

    /// <summary>A network's accuracy on the same data.</summary>
    double Accuracy(SpecNetwork network);
}
