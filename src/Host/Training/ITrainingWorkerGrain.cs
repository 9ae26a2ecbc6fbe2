using AutoDesign.Modeling.Distributed;

namespace AutoDesign.Host.Training;

/// <summary>One silo's worker of data-parallel runs, keyed <c>{silo}|{run}/{rank}</c> and placed on that silo.</summary>
public interface ITrainingWorkerGrain : IGrainWithStringKey
{
    /// <summary>Trains this worker's share of the run to the end; the epochs as this worker saw them.</summary>
    [ResponseTimeout("7.00:00:00")] // as long as training takes; a silo that dies fails the call when the cluster notices
    Task<IReadOnlyList<DataParallelEpoch>> TrainAsync(TrainingAssignment assignment);

    /// <summary>Deletes what this silo's workers of the run kept (its checkpoints).</summary>
    Task ForgetAsync(string run);

    public static string KeyFor(string silo, string run, int rank) => Placement.SiloBoundPlacement.KeyFor(silo, $"{run}/{rank}");
}
