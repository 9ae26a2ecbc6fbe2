using System.Diagnostics;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// Data-parallel SGD with every worker in this process: each step's batch (the same batches, shuffle and augmentation
/// as <see cref="Trainer"/>'s) is cut into one shard per worker, each worker computes its shard's gradients on its own
/// replica, encodes its message, and every replica applies the step from all decoded messages. Batch-norm statistics
/// are averaged over the replicas after each epoch (sent in full). The replicas start from the first one's weights.
/// This is the exchange the cluster runs, without the
/// network between the workers: it measures what each worker sends and what the compression costs in accuracy.
/// </summary>
public sealed class DataParallelTrainer(GradientCompression compression)
{
    public IReadOnlyList<DataParallelEpoch> Train(IReadOnlyList<SpecNetwork> replicas, Dataset data, TrainingOptions options,
        Action<DataParallelEpoch>? onEpoch = null, CancellationToken cancellation = default)
    {
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        if (options.Optimizer != OptimizerKind.Sgd) throw new ArgumentException("data-parallel training runs SGD", nameof(options));
        if (compression.Problem() is { } bad) throw new ArgumentException(bad, nameof(compression));
        int workers = replicas.Count;
        if (workers < 1 || options.BatchSize < workers) throw new ArgumentException($"{workers} workers need a batch of at least as many images", nameof(replicas));

        var trainSet = options.TrainLimit > 0 ? data.Train.Sample(options.TrainLimit) : data.Train;
        using var train = new BatchSource(trainSet, data.Mean, data.Std);
        using var validation = new BatchSource(data.Validation, data.Mean, data.Std);
        Broadcast(replicas);
        var parameters = replicas.Select(r => (IReadOnlyList<Tensor>)[.. r.parameters()]).ToList();
        bool nesterov = options.Momentum > 0;
        var compressors = parameters.Select(p => new GradientCompressor(p, compression, workers, options.Momentum, nesterov)).ToList();
        var steps = parameters.Select(p => new DataParallelStep(p, compression, options.Momentum, options.WeightDecay, nesterov)).ToList();
        try
        {
            int batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
            long totalSteps = (long)batches * options.Epochs;
            var history = new List<DataParallelEpoch>();
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                var (order, augmentation) = Trainer.EpochDraw(options, data, train.Count, epoch);
                foreach (var replica in replicas) replica.train();
                double lossSum = 0;
                long sent = 0, dense = 0;
                for (int b = 0; b < batches; b++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    double learningRate = options.RateAt((long)(epoch - 1) * batches + b, totalSteps);
                    using var scope = NewDisposeScope();
                    int start = b * options.BatchSize, count = Math.Min(options.BatchSize, train.Count - start);
                    using var indices = tensor(order.AsSpan(start, count).ToArray().Select(i => (long)i).ToArray());
                    var (images, labels) = train.Batch(indices, augmentation);
                    var messages = new List<GradientMessage>(workers);
                    for (int rank = 0; rank < workers; rank++)
                    {
                        int from = count * rank / workers, to = count * (rank + 1) / workers;
                        if (to == from) continue; // a last batch smaller than the workers
                        replicas[rank].zero_grad();
                        var loss = nn.functional.cross_entropy(replicas[rank].forward(images[from..to]), labels[from..to]);
                        loss.backward();
                        float value = loss.item<float>();
                        if (!float.IsFinite(value)) throw new TrainingDivergedException($"training diverged in epoch {epoch} (loss {value}); lower the learning rate");
                        lossSum += value * (to - from);
                        var message = compressors[rank].Compress([.. parameters[rank].Select(p => p.grad ?? zeros_like(p))], epoch - 1);
                        var wire = message.Encode();
                        sent += wire.Length;
                        dense += message.DenseBytes;
                        messages.Add(GradientMessage.Decode(wire));
                    }
                    foreach (var step in steps) step.Apply(messages, learningRate);
                }
                long statisticsBytes = AverageBatchNormStatistics(replicas) * workers;
                double accuracy = Evaluation.Of(replicas[0], validation).Accuracy;
                var report = new DataParallelEpoch(epoch, options.Epochs, workers, lossSum / train.Count, accuracy,
                    sent + statisticsBytes, dense + statisticsBytes, batches, compression.DensityAt(epoch - 1), clock.Elapsed.TotalSeconds);
                history.Add(report);
                onEpoch?.Invoke(report);
            }
            foreach (var replica in replicas) replica.eval();
            return history;
        }
        finally
        {
            foreach (var c in compressors) c.Dispose();
            foreach (var s in steps) s.Dispose();
        }
    }

    private static void Broadcast(IReadOnlyList<SpecNetwork> replicas)
    {
        using var noGrad = no_grad();
        var first = replicas[0].state_dict();
        foreach (var replica in replicas.Skip(1))
            foreach (var (name, tensor) in replica.state_dict()) tensor.copy_(first[name]);
    }

    // Every replica ends the epoch with the mean of the replicas' running statistics; returns the bytes each sent.
    private static long AverageBatchNormStatistics(IReadOnlyList<SpecNetwork> replicas)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var buffers = replicas.Select(r => r.named_buffers().Where(b => b.name.EndsWith("running_mean", StringComparison.Ordinal) || b.name.EndsWith("running_var", StringComparison.Ordinal))
            .Select(b => b.buffer).ToList()).ToList();
        long bytes = 0;
        for (int i = 0; i < buffers[0].Count; i++)
        {
            var mean = stack(buffers.Select(b => b[i])).mean([0]);
            foreach (var replica in buffers) replica[i].copy_(mean);
            bytes += 4 * mean.numel();
        }
        return replicas.Count > 1 ? bytes : 0;
    }
}

/// <summary>One epoch of data-parallel training: what the workers sent (all of them, in bytes) against the same gradients sent dense.</summary>
public sealed record DataParallelEpoch(
    int Epoch, int Epochs, int Workers, double TrainLoss, double ValidationAccuracy, long BytesSent, long DenseBytes, int Steps, double Density, double Seconds)
{
    public double CompressionRatio => BytesSent > 0 ? (double)DenseBytes / BytesSent : 1;
}
