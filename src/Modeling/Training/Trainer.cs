using System.Diagnostics;
using System.Text.Json;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Torch;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// Trains a <see cref="SpecNetwork"/> on a data set's training split. With a checkpoint folder, the weights,
/// optimizer state and history are saved after every epoch and a later call picks up after the last saved epoch,
/// so a killed run loses at most one epoch. Each epoch's shuffle and augmentation draw from a generator seeded by
/// (seed, epoch), so a resumed run sees the same batches as an uninterrupted one. With a <see cref="Distillation"/>,
/// the network learns from a teacher's outputs as well as from the labels.
/// </summary>
public sealed class Trainer(ILogger logger)
{
    private const string StateFile = "progress.json", WeightsFile = "weights.dat", OptimizerFile = "optimizer.dat";

    internal sealed record SavedProgress(int EpochsDone, List<EpochReport> History);

    public IReadOnlyList<EpochReport> Train(
        SpecNetwork network,
        Dataset data,
        TrainingOptions options,
        string? checkpointDirectory = null,
        Action<EpochReport>? onEpoch = null,
        Action<BatchProgress>? onBatch = null,
        CancellationToken cancellation = default,
        Distillation? distillation = null)
    {
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        var trainSet = options.TrainLimit > 0 ? data.Train.Sample(options.TrainLimit) : data.Train;
        using var train = new BatchSource(trainSet, data.Mean, data.Std);
        using var validation = new BatchSource(data.Validation, data.Mean, data.Std);
        using var optimizer = CreateOptimizer(network, options);

        distillation?.Teacher.eval();
        var history = new List<EpochReport>();
        if (checkpointDirectory is not null && TryResume(network, optimizer, checkpointDirectory) is { } resumed)
        {
            history = resumed.History;
            logger.LogInformation("Resuming training after epoch {Epoch} from {Directory}", resumed.EpochsDone, checkpointDirectory);
        }

        int batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
        long totalSteps = (long)batches * options.Epochs;
        for (int epoch = history.Count + 1; epoch <= options.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var (order, augmentation) = EpochDraw(options, data, train.Count, epoch);

            network.train();
            double lossSum = 0, learningRate = 0;
            long correct = 0;
            for (int b = 0; b < batches; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                learningRate = options.RateAt((long)(epoch - 1) * batches + b, totalSteps);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;

                using var scope = NewDisposeScope();
                int start = b * options.BatchSize, count = Math.Min(options.BatchSize, train.Count - start);
                using var indices = tensor(order.AsSpan(start, count).ToArray().Select(i => (long)i).ToArray());
                var (images, labels) = train.Batch(indices, augmentation);
                optimizer.zero_grad();
                var logits = network.forward(images);
                var loss = distillation?.Loss(logits, images, labels) ?? nn.functional.cross_entropy(logits, labels);
                loss.backward();
                optimizer.step();

                float batchLoss = loss.item<float>();
                if (!float.IsFinite(batchLoss))
                    throw new TrainingDivergedException($"training diverged in epoch {epoch} (loss {batchLoss}); lower the learning rate");
                lossSum += batchLoss * count;
                correct += logits.argmax(1).eq(labels).sum().item<long>();
                if (onBatch is not null && (b % 20 == 19 || b == batches - 1))
                    onBatch(new BatchProgress(epoch, options.Epochs, b + 1, batches, lossSum / Math.Max(1, start + count)));
            }

            double validationAccuracy = Evaluation.Of(network, validation).Accuracy;
            var report = new EpochReport(epoch, options.Epochs, lossSum / train.Count, (double)correct / train.Count,
                validationAccuracy, learningRate, clock.Elapsed.TotalSeconds);
            history.Add(report);
            if (checkpointDirectory is not null) SaveCheckpoint(network, optimizer, checkpointDirectory, history);
            logger.LogInformation(
                "Epoch {Epoch}/{Epochs}: loss {Loss:F4}, train accuracy {Train:P2}, validation accuracy {Validation:P2} ({Seconds:F0} s)",
                epoch, options.Epochs, report.TrainLoss, report.TrainAccuracy, report.ValidationAccuracy, report.Seconds);
            onEpoch?.Invoke(report);
        }
        network.eval();
        return history;
    }

    /// <summary>An epoch's shuffle and augmentation, from a generator seeded by (seed, epoch).</summary>
    internal static (int[] Order, Augmentation? Augmentation) EpochDraw(TrainingOptions options, Dataset data, int trainCount, int epoch)
    {
        var random = new SplitMix64(((ulong)options.Seed << 32) ^ (ulong)epoch);
        var order = random.Permutation(trainCount);
        var augmentation = options.Augment
            ? new Augmentation(Augmentation.PaddingFor(data.Info.Shape.Height), data.Info.Flippable, random, data.Info.Photos)
            : null;
        return (order, augmentation);
    }

    internal static TorchSharp.Modules.OptimizerHelper CreateOptimizer(SpecNetwork network, TrainingOptions options) => options.Optimizer switch
    {
        OptimizerKind.Adam => optim.Adam(network.parameters(), options.LearningRate, weight_decay: options.WeightDecay),
        OptimizerKind.AdamW => optim.AdamW(network.parameters(), options.LearningRate, weight_decay: options.WeightDecay),
        _ => optim.SGD(network.parameters(), options.LearningRate, momentum: options.Momentum,
            weight_decay: options.WeightDecay, nesterov: options.Momentum > 0),
    };

    /// <summary>
    /// One step of the stepped trainers (language and video models): the loss, its gradients clipped to norm 1, the
    /// optimizer's step; a loss that is not finite stops training. Returns the step's loss.
    /// </summary>
    internal static float ClippedStep(SpecNetwork network, TorchSharp.Modules.OptimizerHelper optimizer, Func<Tensor> computeLoss, int epoch)
    {
        optimizer.zero_grad();
        var loss = computeLoss();
        loss.backward();
        nn.utils.clip_grad_norm_(network.parameters(), 1.0);
        optimizer.step();
        float value = loss.item<float>();
        if (!float.IsFinite(value)) throw new TrainingDivergedException($"training diverged in epoch {epoch} (loss {value}); lower the learning rate");
        return value;
    }

    internal static void SaveCheckpoint(SpecNetwork network, TorchSharp.Modules.OptimizerHelper optimizer, string directory, List<EpochReport> history)
    {
        Directory.CreateDirectory(directory);
        // Write everything beside the old checkpoint, then swap the progress file last: it names what is valid.
        network.save(Path.Combine(directory, WeightsFile + ".new"));
        optimizer.save_state_dict(Path.Combine(directory, OptimizerFile + ".new"));
        File.Move(Path.Combine(directory, WeightsFile + ".new"), Path.Combine(directory, WeightsFile), overwrite: true);
        File.Move(Path.Combine(directory, OptimizerFile + ".new"), Path.Combine(directory, OptimizerFile), overwrite: true);
        string progress = Path.Combine(directory, StateFile);
        File.WriteAllText(progress + ".new", JsonSerializer.Serialize(new SavedProgress(history.Count, history)));
        File.Move(progress + ".new", progress, overwrite: true);
    }

    internal static SavedProgress? TryResume(SpecNetwork network, TorchSharp.Modules.OptimizerHelper optimizer, string directory)
    {
        string progress = Path.Combine(directory, StateFile);
        if (!File.Exists(progress)) return null;
        var saved = JsonSerializer.Deserialize<SavedProgress>(File.ReadAllText(progress));
        if (saved is null || saved.EpochsDone != saved.History.Count) return null;
        network.load(Path.Combine(directory, WeightsFile));
        optimizer.load_state_dict(Path.Combine(directory, OptimizerFile));
        return saved;
    }
}
