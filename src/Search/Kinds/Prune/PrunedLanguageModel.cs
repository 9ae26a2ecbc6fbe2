using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Recovery;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Prune;

/// <summary>
/// The best candidate of a pruning job on a language model: pruned, tested on the test text (next-token accuracy, and
/// its perplexity beside the base model's on the same windows), recovered with the loop the base model was trained
/// with (distilled from the base model), tested again, and saved.
/// </summary>
internal static class PrunedLanguageModel
{
    public static BestResult Finish(PrunePlan plan, CandidateResult candidate, IReadOnlyList<ParetoPoint> front, Func<int, SpecNetwork> build, PruneScorer scorer,
        JobContext context, ILogger logger)
    {
        var (corpus, baseModel) = (scorer.Corpus!, scorer.BaseModel);
        int length = plan.BaseSpec.Input.Width;
        var windows = plan.Pruning.TestWindows is { } count ? TokenWindows.Spread(corpus.Test, length, count) : TokenWindows.Tiling(corpus.Test, length);
        TextEvaluation Test(SpecNetwork network) => TextEvaluation.Of(network, corpus.Test, length, windows);
        using var pruned = build(candidate.Index);
        var test = Test(pruned);
        // A base model trained here was tested on all the windows; only a card without the figure, or fewer windows, send it through them again.
        double baseTest = plan.Pruning.TestWindows is null && baseModel.Card.TestPerplexity is { } tested ? tested : Test(scorer.Network).Perplexity;
        var metrics = new Dictionary<string, double>(candidate.Metrics ?? new Dictionary<string, double>())
        {
            ["testPerplexity"] = test.Perplexity,
            ["floatTestPerplexity"] = baseTest,
        };

        TextEvaluation? recoveredTest = null;
        RecoveryResult? recovered = null;
        IReadOnlyList<EpochReport> history = [];
        if (plan.RecoveryOrFineTuning() is { } recovery)
        {
            var recoverer = DesignRecovery.ForText(recovery, plan.BaseTraining, plan.Seed, corpus, n => Test(n).Accuracy, scorer.Network, context.RecoveryDirectory, logger);
            (recovered, history) = recoverer.Recover(pruned, candidate.Index, test.Accuracy, front, build, context.Cancellation);
            recoveredTest = Test(pruned);
            metrics["recoveredTestPerplexity"] = recoveredTest.Perplexity;
        }

        string saved = "";
        if (context.BestModelDirectory != "")
        {
            var final = recoveredTest ?? test;
            var card = baseModel.Card.Derive($"{plan.Model} pruned", pruned, final.Accuracy, candidate.Accuracy) with
            {
                History = history,
                TestPerplexity = final.Perplexity,
                ValidationPerplexity = candidate.Metrics?.GetValueOrDefault("perplexity"),
            };
            saved = SavedModel.Save(context.BestModelDirectory, pruned, card).Directory;
        }
        logger.LogInformation(
            "Best candidate {Index}: {Macs:N0} MACs, validation next-token accuracy {Accuracy:P2}, test perplexity {Perplexity:F3} (base {Base:F3}){Recovered}; saved to {Directory}",
            candidate.Index, candidate.Flops, candidate.Accuracy, test.Perplexity, baseTest,
            recoveredTest is { } r ? $", {r.Perplexity:F3} after {recovered!.Epochs} epochs of recovery" : "", saved);
        return new BestResult(candidate.Index, candidate.Accuracy, candidate.Flops, candidate.Params, candidate.ConstrainedValue, candidate.Policy,
            test.Accuracy, 0, null, saved, metrics, Recovered: recovered);
    }
}
