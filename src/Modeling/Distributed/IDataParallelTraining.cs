namespace AutoDesign.Modeling.Distributed;

/// <summary>Where a data-parallel run's workers train: threads of this process, or silos of the cluster.</summary>
public interface IDataParallelTraining
{
    /// <summary>
    /// Trains the run to its last epoch, resuming from its checkpoints if an earlier call stopped. Epochs are handed to
    /// <paramref name="onEpoch"/> as soon as all workers finished them, in order and each at most once (a resumed run's
    /// epochs from before the resume may be among them); the result is every epoch of the run, those before a resume
    /// included. The run's weights are then in the last checkpoint under <see cref="DataParallelRun.CheckpointDirectory"/>
    /// of this process's data folder.
    /// </summary>
    Task<IReadOnlyList<DataParallelEpoch>> TrainAsync(DataParallelRun run, Func<DataParallelEpoch, Task> onEpoch, CancellationToken cancellation);

    /// <summary>Deletes the run's checkpoints wherever its workers kept them.</summary>
    Task ForgetAsync(string run);
}
