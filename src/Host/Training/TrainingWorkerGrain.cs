using AutoDesign.Modeling;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Distributed;
using AutoDesign.Search.Jobs;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Host.Training;

/// <summary>
/// Runs one worker of a data-parallel run on the silo its key names, on a thread of its own: loads the data set from
/// this silo's data folder, builds the network and trains it with the others through the attempt's exchange grain,
/// keeping a checkpoint per epoch in this silo's data folder and reporting each epoch to the run's progress grain.
/// </summary>
[Placement.SiloBoundPlacement]
internal sealed class TrainingWorkerGrain(DataFolder folder, ILogger<TrainingWorkerGrain> logger) : Grain, ITrainingWorkerGrain
{
    public async Task<IReadOnlyList<DataParallelEpoch>> TrainAsync(TrainingAssignment assignment)
    {
        var run = assignment.Run;
        if (run.Problem() is { } problem) throw new ArgumentException(problem, nameof(assignment));
        var checkpoints = new DataParallelCheckpoints(DataParallelRun.CheckpointDirectory(folder, run.Name));
        if (assignment.Exchange.Length == 0) throw new ArgumentException("exchange: the attempt's exchange grain is not named", nameof(assignment));
        var exchange = run.OverLink(new GrainExchange(GrainFactory.GetGrain<IGradientExchangeGrain>(assignment.Exchange), assignment.Workers));
        var progress = assignment.Progress.Length == 0 ? null : GrainFactory.GetGrain<ITrainingProgressGrain>(assignment.Progress);
        return await OwnThread.RunAsync(() =>
        {
            var data = DatasetCatalog.Load(run.Dataset, folder);
            using var network = run.BuildLeader();
            return new DataParallelWorker(run.Compression, exchange, assignment.Rank, assignment.Workers, checkpoints).Train(network, data, run.Options, epoch =>
            {
                logger.LogInformation("run {Run} worker {Rank}/{Workers}: epoch {Epoch}/{Epochs}, sent {Bytes} bytes ({Ratio:F0}x less than dense)",
                    run.Name, assignment.Rank, assignment.Workers, epoch.Epoch, epoch.Epochs, epoch.BytesSent, epoch.CompressionRatio);
                try { progress?.ReportAsync(assignment.Rank, epoch).GetAwaiter().GetResult(); }
                catch (Exception e) // the epoch comes back with this call's result too: a watcher that missed it is no reason to stop
                {
                    logger.LogWarning("run {Run} worker {Rank}: epoch {Epoch} could not be reported: {Reason}", run.Name, assignment.Rank, epoch.Epoch, e.Message);
                }
            });
        });
    }

    public Task ForgetAsync(string run)
    {
        DataParallelRun.DeleteCheckpoints(folder, run);
        return Task.CompletedTask;
    }
}
