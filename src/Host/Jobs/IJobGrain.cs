namespace AutoDesign.Host.Jobs;

/// <summary>
/// The one place in the cluster that controls a job (keyed by the job's id). The job's record is in the database
/// before the grain is first called; the grain gets it run, keeps it alive with a reminder, and cancels it.
/// </summary>
public interface IJobGrain : IGrainWithGuidKey
{
    /// <summary>Makes sure some silo runs (or queues) the job; harmless when one already does.</summary>
    Task StartAsync();

    /// <summary>Stops the job before its next batch (what it evaluated is kept); a queued job never starts.</summary>
    Task<CancelOutcome> CancelAsync();
}
