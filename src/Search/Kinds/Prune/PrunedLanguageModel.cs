using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Prune;

/// <summary>
/// The best candidate of a pruning job on a language model: pruned, tested on the test text (next-token accuracy, and
/// its perplexity beside the base model's on the same windows), fine-tuned with the loop the base model was trained with if the job
/// asks, tested again, and saved.
/// </summary>
internal static class PrunedLanguageModel
{
    public static BestResult Finish(PrunePlan plan, CandidateResult candidate, PruningPolicy policy, PruneScorer scorer, string directory, ILogger logger,
        CancellationToken cancellation)
    {
        var (corpus, baseModel) = (scorer.Corpus!, scorer.BaseModel);
        int context = plan.BaseSpec.Input.Width;
        var windows = plan.Pruning.TestWindows is { } count ? TokenWindows.Spread(corpus.Test, context, count) : TokenWindows.Tiling(corpus.Test, context);
        TextEvaluation Test(SpecNetwork network) => TextEvaluation.Of(network, corpus.Test, context, windows);
        using var pruned = scorer.Evaluator.Prune(policy);
        var test = Test(pruned);
        // A base model trained here was tested on all the windows; only a card without the figure, or fewer windows, send it through them again.
        double baseTest = plan.Pruning.TestWindows is null && baseModel.Card.TestPerplexity is { } tested ? tested : Test(scorer.Network).Perplexity;
        var metrics = new Dictionary<string, double>(candidate.Metrics ?? new Dictionary<string, double>())
        {
            ["testPerplexity"] = test.Perplexity,
            ["floatTestPerplexity"] = baseTest,
        };

        TextEvaluation? tuned = null;
        IReadOnlyList<EpochReport> history = [];
        if (plan.Pruning.FineTuneEpochs > 0)
        {
            // A pruned network starts close to a good solution: a tenth of the rate, and no warm-up.
            var options = plan.BaseTraining with { Epochs = plan.Pruning.FineTuneEpochs, Seed = plan.Seed, WarmupSteps = 0 };
            options = options with { LearningRate = options.LearningRate / 10 };
            history = new LanguageModelTrainer(logger).Train(pruned, corpus, options, cancellation: cancellation);
            tuned = Test(pruned);
            metrics["fineTunedTestPerplexity"] = tuned.Perplexity;
        }

        string saved = "";
        if (directory != "")
        {
            var final = tuned ?? test;
            var card = baseModel.Card.Derive($"{plan.Model} pruned", pruned, final.Accuracy, candidate.Accuracy) with
            {
                History = history,
                TestPerplexity = final.Perplexity,
                ValidationPerplexity = candidate.Metrics?.GetValueOrDefault("perplexity"),
            };
            saved = SavedModel.Save(directory, pruned, card).Directory;
        }
        logger.LogInformation(
            "Best candidate {Index}: {Macs:N0} MACs, validation next-token accuracy {Accuracy:P2}, test perplexity {Perplexity:F3} (base {Base:F3}){Tuned}; saved to {Directory}",
            candidate.Index, candidate.Flops, candidate.Accuracy, test.Perplexity, baseTest,
            tuned is { } t ? $", {t.Perplexity:F3} after {plan.Pruning.FineTuneEpochs} epochs of fine-tuning" : "", saved);
        return new BestResult(candidate.Index, candidate.Accuracy, candidate.Flops, candidate.Params, candidate.ConstrainedValue, candidate.Policy,
            test.Accuracy, plan.Pruning.FineTuneEpochs, tuned?.Accuracy, saved, metrics);
    }
}
