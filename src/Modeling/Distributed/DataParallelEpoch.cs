namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// One epoch of data-parallel training: what was sent (in bytes) against the same gradients sent dense, the training
/// loss over <see cref="Samples"/> images, and the hash of the weights at the end of the epoch.
/// </summary>
public sealed record DataParallelEpoch(
    int Epoch, int Epochs, int Workers, double TrainLoss, double? ValidationAccuracy, long BytesSent, long DenseBytes, int Steps, double Density, double Seconds)
{
    public long Samples { get; init; }
    public string WeightsHash { get; init; } = "";

    /// <summary>Of <see cref="BytesSent"/> (and <see cref="DenseBytes"/>), the state sent to start or resume the run, in the first epoch it ran.</summary>
    public long OpeningBytes { get; init; }

    /// <summary>Of <see cref="Seconds"/>, the time in the exchange: the transfers, and waiting for slower workers.</summary>
    public double ExchangeSeconds { get; init; }
    public double CompressionRatio => BytesSent > 0 ? (double)DenseBytes / BytesSent : 1;

    /// <summary>The workers' reports of one epoch as one: their bytes summed, the loss over all shards, the slowest worker's times, worker 0's accuracy.</summary>
    public static DataParallelEpoch Combine(IReadOnlyList<DataParallelEpoch> workers)
    {
        long samples = workers.Sum(w => w.Samples);
        return workers[0] with
        {
            TrainLoss = samples > 0 ? workers.Sum(w => w.TrainLoss * w.Samples) / samples : 0,
            BytesSent = workers.Sum(w => w.BytesSent),
            DenseBytes = workers.Sum(w => w.DenseBytes),
            OpeningBytes = workers.Sum(w => w.OpeningBytes),
            Seconds = workers.Max(w => w.Seconds),
            ExchangeSeconds = workers.Max(w => w.ExchangeSeconds),
            Samples = samples,
        };
    }

    /// <summary>
    /// The workers' histories (in worker order) as one, epoch by epoch. A resumed run has the epochs before it from
    /// the workers' checkpoints, where each kept its own; an epoch some worker lacks is left out.
    /// </summary>
    public static IReadOnlyList<DataParallelEpoch> Combine(IReadOnlyList<IReadOnlyList<DataParallelEpoch>> histories)
    {
        var byEpoch = histories.Select(h => h.ToDictionary(e => e.Epoch)).ToList();
        return [.. byEpoch[0].Keys.Order().Where(e => byEpoch.All(h => h.ContainsKey(e))).Select(e => Combine([.. byEpoch.Select(h => h[e])]))];
    }
}
