using AutoDesign.Modeling.Distributed;

namespace AutoDesign.Host.Training;

/// <summary>
/// Collects the epochs a run's workers finish, so that whoever runs it sees each epoch as soon as every worker of the
/// attempt has finished it (the workers' own calls return only at the end). Keyed <c>{silo}|{run}#{call}/progress</c>
/// on the watching silo.
/// </summary>
public interface ITrainingProgressGrain : IGrainWithStringKey
{
    Task ReportAsync(int rank, DataParallelEpoch epoch);

    /// <summary>The epochs after <paramref name="after"/> that all workers of an attempt reported, in order and without a gap from the first of them.</summary>
    Task<IReadOnlyList<DataParallelEpoch>> FinishedAfterAsync(int after);

    /// <summary>Forgets the run's epochs: its watcher is done with it.</summary>
    Task CloseAsync();
}
