using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Torch;

namespace AutoDesign.Modeling.Distributed;

/// <summary>A data-parallel run with every worker a thread of this process (<see cref="DataParallelTrainer"/>), its checkpoints in the data folder.</summary>
public sealed class InProcessTraining(DataFolder folder) : IDataParallelTraining
{
    public Task<IReadOnlyList<DataParallelEpoch>> TrainAsync(DataParallelRun run, Func<DataParallelEpoch, Task> onEpoch, CancellationToken cancellation) =>
        run.Problem() is { } problem ? throw new ArgumentException(problem, nameof(run)) : Task.Factory.StartNew(() =>
        {
            var data = DatasetCatalog.Load(run.Dataset, folder);
            var replicas = new List<SpecNetwork>();
            try
            {
                replicas.Add(run.BuildLeader());
                while (replicas.Count < run.Workers) replicas.Add(new SpecNetwork(run.Model)); // they take the leader's weights
                return new DataParallelTrainer(run.Compression) { Link = run.OverLink }.Train(replicas, data, run.Options,
                    epoch => onEpoch(epoch).GetAwaiter().GetResult(), cancellation, DataParallelRun.CheckpointDirectory(folder, run.Name));
            }
            finally
            {
                foreach (var replica in replicas) replica.Dispose();
            }
        }, cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public Task ForgetAsync(string run)
    {
        DataParallelRun.DeleteCheckpoints(folder, run);
        return Task.CompletedTask;
    }
}
