using System.Diagnostics;
using AutoDesign.Modeling.Data.Text;
using AutoDesign.Modeling.Torch;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// Trains a language model on a corpus's training stream: each step a batch of windows at random places, next-token
/// cross-entropy at every position. Checkpoints and resumption work as <see cref="Trainer"/>'s, epoch by epoch; the
/// windows of step s of epoch e come from a generator seeded by (seed, epoch), so a resumed run sees the same ones.
/// After each epoch the model is scored on (up to 256 windows of) the validation stream. With a
/// <see cref="Distillation"/>, each token also learns the teacher's distribution over the next one.
/// </summary>
public sealed class LanguageModelTrainer(ILogger logger)
{
    private const int ValidationWindows = 256;

    public IReadOnlyList<EpochReport> Train(
        SpecNetwork network,
        TextCorpus corpus,
        TrainingOptions options,
        string? checkpointDirectory = null,
        Action<EpochReport>? onEpoch = null,
        Action<BatchProgress>? onBatch = null,
        CancellationToken cancellation = default,
        Func<SplitMix64, LanguageBatch>? batches = null,
        Distillation? distillation = null)
    {
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        if (distillation is not null && batches is not null) throw new ArgumentException("distillation applies to the corpus's own windows, not to given batches", nameof(distillation));
        distillation?.Teacher.eval();
        if (options.StepsPerEpoch < 1) throw new ArgumentException("a language model's epoch is a number of steps: set stepsPerEpoch", nameof(options));
        int context = network.Spec.Input.Width;
        using var optimizer = Trainer.CreateOptimizer(network, options);

        var history = new List<EpochReport>();
        if (checkpointDirectory is not null && Trainer.TryResume(network, optimizer, checkpointDirectory) is { } resumed)
        {
            history = resumed.History;
            logger.LogInformation("Resuming training after epoch {Epoch} from {Directory}", resumed.EpochsDone, checkpointDirectory);
        }

        long totalSteps = (long)options.StepsPerEpoch * options.Epochs;
        for (int epoch = history.Count + 1; epoch <= options.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var random = new SplitMix64(((ulong)options.Seed << 32) ^ (ulong)epoch);
            network.train();
            double lossSum = 0, learningRate = 0;
            long correct = 0, tokens = 0;
            for (int step = 0; step < options.StepsPerEpoch; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                learningRate = options.RateAt((long)(epoch - 1) * options.StepsPerEpoch + step, totalSteps);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;

                using var scope = NewDisposeScope();
                var (inputs, targets, weights) = batches?.Invoke(random)
                    ?? new LanguageBatch(TokenWindows.Batch(corpus.Train, context, TokenWindows.RandomStarts(corpus.Train, context, options.BatchSize, random)));
                Tensor logits = null!;
                float stepLoss = Trainer.ClippedStep(network, optimizer, () =>
                {
                    logits = network.forward(inputs);
                    return weights is not null
                        ? (nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None) * weights).sum() / weights.sum()
                        : distillation?.Loss(logits, inputs, targets) ?? nn.functional.cross_entropy(logits, targets);
                }, epoch);
                lossSum += stepLoss * targets.numel();
                correct += logits.argmax(1).eq(targets).sum().item<long>();
                tokens += targets.numel();
                if (onBatch is not null && (step % 20 == 19 || step == options.StepsPerEpoch - 1))
                    onBatch(new BatchProgress(epoch, options.Epochs, step + 1, options.StepsPerEpoch, lossSum / tokens));
            }

            var validation = TextEvaluation.Of(network, corpus.Validation, context, maxWindows: ValidationWindows);
            var report = new EpochReport(epoch, options.Epochs, lossSum / tokens, (double)correct / tokens, validation.Accuracy, learningRate,
                clock.Elapsed.TotalSeconds, validation.Perplexity);
            history.Add(report);
            if (checkpointDirectory is not null) Trainer.SaveCheckpoint(network, optimizer, checkpointDirectory, history);
            logger.LogInformation(
                "Epoch {Epoch}/{Epochs}: loss {Loss:F4}, validation perplexity {Perplexity:F3}, next-token accuracy {Accuracy:P2} ({Seconds:F0} s)",
                epoch, options.Epochs, report.TrainLoss, validation.Perplexity, validation.Accuracy, report.Seconds);
            onEpoch?.Invoke(report);
        }
        network.eval();
        return history;
    }
}
