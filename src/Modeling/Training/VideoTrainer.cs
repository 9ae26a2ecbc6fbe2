using System.Diagnostics;
using AutoDesign.Modeling.Data.Video;
using AutoDesign.Modeling.Torch;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// Trains a next-frame model on a video set's training stream: step s of epoch e reads the next batch of clips, those
/// from ((e - 1) x stepsPerEpoch + s) x batchSize on, so every clip is new and a resumed run sees the same ones. The
/// model reads each clip's frames but the last and its sigmoid output is scored against the last frame by binary
/// cross-entropy per pixel (Srivastava et al.'s loss for Moving MNIST). Checkpoints and resumption work as
/// <see cref="Trainer"/>'s, epoch by epoch. After each epoch the model is scored on the validation clips (mean squared
/// error per pixel); a next-frame model has no accuracy, so its reports carry 0 there.
/// </summary>
public sealed class VideoTrainer(ILogger logger)
{
    public IReadOnlyList<EpochReport> Train(
        SpecNetwork network,
        VideoSet data,
        TrainingOptions options,
        string? checkpointDirectory = null,
        Action<EpochReport>? onEpoch = null,
        Action<BatchProgress>? onBatch = null,
        CancellationToken cancellation = default)
    {
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        if (options.StepsPerEpoch < 1) throw new ArgumentException("a next-frame model's epoch is a number of steps: set stepsPerEpoch", nameof(options));
        var input = network.Spec.Input;
        if (input.Patch is not { } patch || input.Height != data.Context || input.FrameSize != data.Train.FrameSize)
            throw new ArgumentException($"{network.Spec.Name} reads {input}; the clips give {data.Context} frames of {data.Train.FrameSize}x{data.Train.FrameSize}", nameof(network));
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
            network.train();
            double lossSum = 0, learningRate = 0;
            for (int step = 0; step < options.StepsPerEpoch; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                long global = (long)(epoch - 1) * options.StepsPerEpoch + step;
                learningRate = options.RateAt(global, totalSteps);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;

                using var scope = NewDisposeScope();
                var (inputs, targets) = NextFrameBatches.Batch(data.Train, NextFrameBatches.Range(global * options.BatchSize, options.BatchSize), patch);
                float stepLoss = Trainer.ClippedStep(network, optimizer, () => nn.functional.binary_cross_entropy(network.forward(inputs), targets), epoch);
                lossSum += stepLoss;
                if (onBatch is not null && (step % 20 == 19 || step == options.StepsPerEpoch - 1))
                    onBatch(new BatchProgress(epoch, options.Epochs, step + 1, options.StepsPerEpoch, lossSum / (step + 1)));
            }

            var validation = VideoEvaluation.Of(network, data.Validation, data.ValidationClips, patch);
            var report = new EpochReport(epoch, options.Epochs, lossSum / options.StepsPerEpoch, 0, 0, learningRate, clock.Elapsed.TotalSeconds)
            {
                ValidationError = validation.Error,
            };
            history.Add(report);
            if (checkpointDirectory is not null) Trainer.SaveCheckpoint(network, optimizer, checkpointDirectory, history);
            logger.LogInformation(
                "Epoch {Epoch}/{Epochs}: loss {Loss:F4}, validation error {Error:F5} per pixel (copying the last frame: {Copy:F5}) ({Seconds:F0} s)",
                epoch, options.Epochs, report.TrainLoss, validation.Error, validation.CopyLastError, report.Seconds);
            onEpoch?.Invoke(report);
        }
        network.eval();
        return history;
    }
}
