namespace AutoDesign.Host.Jobs;

/// <summary>The jobs one silo runs, keyed by the silo and placed on it: how a cancel reaches the silo that runs a job.</summary>
public interface ISiloJobsGrain : IGrainWithStringKey
{
    /// <summary>Stops the job if this silo holds it, before its next batch.</summary>
    Task CancelAsync(Guid job);
}
