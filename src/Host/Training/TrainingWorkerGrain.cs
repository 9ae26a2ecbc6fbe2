using AutoDesign.Modeling;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Distributed;
using AutoDesign.Modeling.Torch;
using AutoDesign.Search.Jobs;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Host.Training;

/// <summary>
/// Runs one worker of a data-parallel run on the silo its key names, on a thread of its own: loads the data set from
/// this silo's data folder, builds the network and trains it with the others through the attempt's exchange grain,
/// keeping a checkpoint per epoch in this silo's data folder.
/// </summary>
[Placement.SiloBoundPlacement]
internal sealed class TrainingWorkerGrain(DataFolder folder, ILogger<TrainingWorkerGrain> logger) : Grain, ITrainingWorkerGrain
{
    public async Task<IReadOnlyList<DataParallelEpoch>> TrainAsync(TrainingAssignment assignment)
    {
        if (!TrainingAssignment.IsValidRun(assignment.Run)) throw new ArgumentException($"run: '{assignment.Run}' is not a name of letters, digits, '-', '_' and '.'", nameof(assignment));
        if (assignment.Exchange.Length == 0) throw new ArgumentException("exchange: the attempt's exchange grain is not named", nameof(assignment));
        IGradientExchange exchange = new GrainExchange(GrainFactory.GetGrain<IGradientExchangeGrain>(assignment.Exchange), assignment.Workers);
        if (assignment.EmulatesLink) exchange = new EmulatedLink(exchange, assignment.LinkBitsPerSecond, assignment.LinkLatency);
        var checkpoints = new DataParallelCheckpoints(CheckpointDirectory(folder, assignment.Run));
        var history = await OwnThread.RunAsync(() =>
        {
            var data = DatasetCatalog.Load(assignment.Dataset, folder);
            using var network = Build(assignment);
            return new DataParallelWorker(assignment.Compression, exchange, assignment.Rank, assignment.Workers, checkpoints)
                .Train(network, data, assignment.Options, epoch => logger.LogInformation(
                    "run {Run} worker {Rank}/{Workers}: epoch {Epoch}/{Epochs}, sent {Bytes} bytes ({Ratio:F0}x less than dense)",
                    assignment.Run, assignment.Rank, assignment.Workers, epoch.Epoch, epoch.Epochs, epoch.BytesSent, epoch.CompressionRatio));
        });
        return history;
    }

    /// <summary>Where this silo's workers of the run keep their checkpoints.</summary>
    public static string CheckpointDirectory(DataFolder folder, string run) => Path.Combine(folder.Root, "training", run);

    private static readonly Lock Seeding = new();

    // Worker 0's initial weights are the run's; the seed makes them the same as any other run's with that seed, even
    // with other workers of this process building theirs at the same time (the seed is the process's).
    private static SpecNetwork Build(TrainingAssignment assignment)
    {
        lock (Seeding)
        {
            TorchSharp.torch.manual_seed(assignment.InitialSeed);
            return new SpecNetwork(assignment.Model);
        }
    }
}
