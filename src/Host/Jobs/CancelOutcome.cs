namespace AutoDesign.Host.Jobs;

/// <summary>What became of a request to cancel a job.</summary>
[GenerateSerializer]
public enum CancelOutcome
{
    /// <summary>There is no such job.</summary>
    Unknown,

    /// <summary>It had already completed, failed or been cancelled.</summary>
    Finished,

    /// <summary>It was queued and no silo had taken it: it is cancelled now.</summary>
    Cancelled,

    /// <summary>It is running, or queued on a silo: that silo stops it before its next batch.</summary>
    Stopping,
}
