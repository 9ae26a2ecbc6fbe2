using System.Runtime.ExceptionServices;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;

namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// Data-parallel SGD with every worker in this process, one thread each, trading messages through an
/// <see cref="InProcessExchange"/>: the cluster's training without the network between the workers. It measures what
/// the workers send and what the compression costs in accuracy. A worker that fails stops the others.
/// </summary>
public sealed class DataParallelTrainer(GradientCompression compression)
{
    /// <summary>What the workers' messages go through on their way to the exchange (e.g. an <see cref="EmulatedLink"/>); by default nothing.</summary>
    public Func<IGradientExchange, IGradientExchange> Link { get; init; } = exchange => exchange;

    /// <summary>
    /// Trains the replicas (they start from the first one's weights, or from the last epoch checkpointed under
    /// <paramref name="checkpointDirectory"/>, with as many workers as now); each epoch's report sums what all workers sent.
    /// </summary>
    public IReadOnlyList<DataParallelEpoch> Train(IReadOnlyList<SpecNetwork> replicas, Dataset data, TrainingOptions options,
        Action<DataParallelEpoch>? onEpoch = null, CancellationToken cancellation = default, string? checkpointDirectory = null)
    {
        int workers = replicas.Count;
        if (workers < 1) throw new ArgumentException("at least one replica", nameof(replicas));
        var exchange = Link(new InProcessExchange(workers));
        var reports = new DataParallelEpoch?[options.Epochs, workers];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var runs = replicas.Select((replica, rank) => Task.Factory.StartNew(() =>
        {
            try
            {
                var checkpoints = checkpointDirectory is null ? null : new DataParallelCheckpoints(checkpointDirectory);
                return new DataParallelWorker(compression, exchange, rank, workers, checkpoints).Train(replica, data, options, report =>
                {
                    DataParallelEpoch? whole = null;
                    lock (reports)
                    {
                        reports[report.Epoch - 1, rank] = report;
                        if (Enumerable.Range(0, workers).All(r => reports[report.Epoch - 1, r] is not null))
                            whole = DataParallelEpoch.Combine([.. Enumerable.Range(0, workers).Select(r => reports[report.Epoch - 1, r]!)]);
                    }
                    if (whole is not null) onEpoch?.Invoke(whole);
                }, stop.Token);
            }
            catch
            {
                stop.Cancel();
                throw;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try { Task.WaitAll(runs); }
        catch (AggregateException) { ExceptionDispatchInfo.Throw(FirstCause(runs)); }
        return DataParallelEpoch.Combine([.. runs.Select(r => r.Result)]);
    }

    // The error that stopped the run, rather than the cancellations it caused in the other workers.
    private static Exception FirstCause(Task[] runs)
    {
        var errors = runs.Where(r => r.IsFaulted).SelectMany(r => r.Exception!.InnerExceptions).ToList();
        return errors.FirstOrDefault(e => e is not OperationCanceledException) ?? errors.FirstOrDefault() ?? new OperationCanceledException();
    }
}
