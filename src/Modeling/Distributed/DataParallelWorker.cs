using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// One worker of data-parallel SGD, wherever it runs (a thread, a silo). Every worker draws the same batches (shuffle
/// and augmentation as <see cref="Trainer"/>'s), trains on its shard of each (an equal cut in worker order), sends its
/// message through the exchange and applies the same step from all workers' messages, so the weights stay identical.
/// Each message carries a hash of the sender's weights before the step; a worker whose weights differ stops the run.
/// The run starts from worker 0's weights and buffers, or from the furthest checkpoint any worker has (the shared
/// state is the same on every worker, so a run resumes with whichever workers are left and finishes with the same
/// steps); batch-norm statistics are averaged at the end of every epoch. Worker 0 measures validation accuracy (the others report none).
/// </summary>
public sealed class DataParallelWorker
{
    private readonly GradientCompression _compression;
    private readonly IGradientExchange _exchange;
    private readonly int _rank, _workers;
    private readonly DataParallelCheckpoints? _checkpoints;
    private long _round;
    private TimeSpan _exchanging; // in the exchange this epoch: the transfer, and waiting for the other workers

    public DataParallelWorker(GradientCompression compression, IGradientExchange exchange, int rank, int workers, DataParallelCheckpoints? checkpoints = null)
    {
        if (compression.Problem() is { } problem) throw new ArgumentException(problem, nameof(compression));
        if (workers < 1) throw new ArgumentOutOfRangeException(nameof(workers), workers, "at least one worker");
        if (rank < 0 || rank >= workers) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"workers are numbered 0 to {workers - 1}");
        (_compression, _exchange, _rank, _workers, _checkpoints) = (compression, exchange, rank, workers, checkpoints);
    }

    public IReadOnlyList<DataParallelEpoch> Train(SpecNetwork network, Dataset data, TrainingOptions options,
        Action<DataParallelEpoch>? onEpoch = null, CancellationToken cancellation = default)
    {
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        if (options.Optimizer != OptimizerKind.Sgd) throw new ArgumentException("data-parallel training runs SGD", nameof(options));
        if (options.BatchSize < _workers) throw new ArgumentException($"{_workers} workers need a batch of at least as many images", nameof(options));

        var trainSet = options.TrainLimit > 0 ? data.Train.Sample(options.TrainLimit) : data.Train;
        using var train = new BatchSource(trainSet, data.Mean, data.Std);
        using var validation = new BatchSource(data.Validation, data.Mean, data.Std);
        IReadOnlyList<Tensor> parameters = [.. network.parameters()];
        bool nesterov = options.Momentum > 0;
        using var compressor = new GradientCompressor(parameters, _compression, _workers, options.Momentum, nesterov);
        using var step = new DataParallelStep(parameters, _compression, options.Momentum, options.WeightDecay, nesterov);
        int batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
        long totalSteps = (long)batches * options.Epochs;

        var (done, openingBytes) = TakeLeadersState(network, step, cancellation);
        var history = new List<DataParallelEpoch>();
        if (done > 0 && _checkpoints?.ReadOwn(done, _workers, _rank) is { } own)
        {
            compressor.Restore(TensorSnapshot.Decode(own.Own).Values);
            history.AddRange(own.History.Take(done));
        }
        _round = 2 + (long)done * (batches + 1); // the two opening rounds, then each epoch's steps and its statistics
        for (int epoch = done + 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            _exchanging = TimeSpan.Zero;
            var (order, augmentation) = Trainer.EpochDraw(options, data, train.Count, epoch);
            network.train();
            double lossSum = 0;
            long opening = openingBytes, samples = 0, sent = opening, dense = opening; // the first epoch run carries the opening's state
            openingBytes = 0;
            for (int b = 0; b < batches; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                double learningRate = options.RateAt((long)(epoch - 1) * batches + b, totalSteps);
                using var scope = NewDisposeScope();
                int start = b * options.BatchSize, count = Math.Min(options.BatchSize, train.Count - start);
                using var indices = tensor(order.AsSpan(start, count).ToArray().Select(i => (long)i).ToArray());
                var (images, labels) = train.Batch(indices, augmentation); // the whole batch, so augmentation draws alike everywhere
                int from = count * _rank / _workers, to = count * (_rank + 1) / _workers;
                byte[] gradients = [];
                if (to > from) // a last batch smaller than the workers leaves some without a shard
                {
                    network.zero_grad();
                    var loss = nn.functional.cross_entropy(network.forward(images[from..to]), labels[from..to]);
                    loss.backward();
                    float value = loss.item<float>();
                    if (!float.IsFinite(value)) throw new TrainingDivergedException($"training diverged in epoch {epoch} (loss {value}); lower the learning rate");
                    lossSum += value * (to - from);
                    samples += to - from;
                    var message = compressor.Compress([.. parameters.Select(p => p.grad ?? zeros_like(p))], epoch - 1);
                    gradients = message.Encode();
                    sent += gradients.Length;
                    dense += message.DenseBytes;
                }
                var all = ExchangeChecked(parameters, gradients, cancellation);
                step.Apply([.. all.Where(m => m.Length > 0).Select(m => GradientMessage.Decode(m))], learningRate);
            }
            using var endOfEpoch = NewDisposeScope();
            long statisticsBytes = AverageBatchNormStatistics(network, cancellation);
            double? accuracy = _rank == 0 ? Evaluation.Of(network, validation).Accuracy : null;
            var report = new DataParallelEpoch(epoch, options.Epochs, _workers, samples > 0 ? lossSum / samples : 0, accuracy,
                sent + statisticsBytes, dense + statisticsBytes, batches, _compression.DensityAt(epoch - 1), clock.Elapsed.TotalSeconds)
            {
                Samples = samples,
                WeightsHash = WeightsHash(parameters),
                ExchangeSeconds = _exchanging.TotalSeconds,
                OpeningBytes = opening,
            };
            history.Add(report);
            _checkpoints?.Save(epoch, TensorSnapshot.Encode(epoch, SharedState(network, step)), _workers, _rank, TensorSnapshot.Encode(epoch, compressor.State), history);
            onEpoch?.Invoke(report);
        }
        network.eval();
        return history;
    }

    /// <summary>A hash of the weights (parameters in order, float32 bits), equal on every worker between steps.</summary>
    public static string WeightsHash(IEnumerable<Tensor> parameters) => Convert.ToHexStringLower(HashOf(parameters));

    private static byte[] HashOf(IEnumerable<Tensor> parameters)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var p in parameters) hash.AppendData(MemoryMarshal.AsBytes(p.detach().contiguous().data<float>().ToArray().AsSpan()));
        return hash.GetHashAndReset()[..8];
    }

    private IReadOnlyList<byte[]> AllGather(byte[] message, CancellationToken cancellation)
    {
        long start = Stopwatch.GetTimestamp();
        try { return _exchange.AllGather(_round++, _rank, message, cancellation); }
        finally { _exchanging += Stopwatch.GetElapsedTime(start); }
    }

    // Every worker's gradients of the step; each message opens with the hash of its sender's weights.
    private IReadOnlyList<byte[]> ExchangeChecked(IReadOnlyList<Tensor> parameters, byte[] gradients, CancellationToken cancellation)
    {
        var mine = HashOf(parameters);
        var all = AllGather([.. mine, .. gradients], cancellation);
        for (int worker = 0; worker < all.Count; worker++)
            if (all[worker].Length < mine.Length || !all[worker].AsSpan(0, mine.Length).SequenceEqual(mine))
                throw new ReplicaDivergedException($"worker {worker}'s weights differ from worker {_rank}'s before round {_round - 1}");
        return [.. all.Select(m => m[mine.Length..])];
    }

    // Round 0: every worker tells how far its checkpoints reach; round 1: the first of those furthest on sends its
    // shared state (worker 0 its network's when no worker has a checkpoint), and every worker starts from it.
    // Returns the epochs done and the bytes this worker sent.
    private (int Done, long Sent) TakeLeadersState(SpecNetwork network, DataParallelStep step, CancellationToken cancellation)
    {
        var latest = _checkpoints?.LatestReadable();
        var reach = AllGather(BitConverter.GetBytes(latest?.Epoch ?? 0), cancellation)
            .Select(m => m.Length == 4 ? BitConverter.ToInt32(m) : throw new ReplicaDivergedException("a worker's opening message is not an epoch")).ToList();
        int leader = reach.IndexOf(reach.Max());
        byte[] mine = _rank != leader ? [] : latest is { } checkpoint ? checkpoint.Shared : TensorSnapshot.Encode(0, SharedState(network, step));
        var (done, values) = TensorSnapshot.Decode(AllGather(mine, cancellation)[leader]);
        var state = DataParallelCheckpoints.NetworkState(network);
        try
        {
            TensorSnapshot.CopyInto(values, 0, state);
            step.Restore(values, state.Count);
        }
        catch (InvalidDataException e)
        {
            throw new ReplicaDivergedException($"worker {leader}'s network is not this worker's: {e.Message}");
        }
        return ((int)done, 4 + mine.Length);
    }

    private static IEnumerable<Tensor> SharedState(SpecNetwork network, DataParallelStep step) => DataParallelCheckpoints.NetworkState(network).Concat(step.Momenta);

    // The mean of the workers' running statistics, summed in worker order; returns the bytes this worker sent.
    private long AverageBatchNormStatistics(SpecNetwork network, CancellationToken cancellation)
    {
        var buffers = network.named_buffers()
            .Where(b => b.name.EndsWith("running_mean", StringComparison.Ordinal) || b.name.EndsWith("running_var", StringComparison.Ordinal))
            .Select(b => b.buffer).ToList();
        var mine = TensorSnapshot.Encode(0, buffers);
        var all = AllGather(mine, cancellation).Select(m => TensorSnapshot.Decode(m).Values).ToList();
        if (all.Any(m => m.Layers.Count != buffers.Count)) throw new ReplicaDivergedException($"the workers hold different batch-norm layers ({buffers.Count} statistics here)");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using Scalar one = 1, count = all.Count; // alive until the end (see GradientCompressor)
        for (int i = 0; i < buffers.Count; i++)
        {
            var sum = zeros(buffers[i].numel());
            foreach (var message in all) sum.add_(tensor(message.Layers[i].Values), one);
            buffers[i].copy_(sum.div_(count).reshape(buffers[i].shape));
        }
        return _workers > 1 ? mine.Length : 0;
    }
}
