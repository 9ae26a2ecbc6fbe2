using AutoDesign.Host.Placement;
using Orleans.Concurrency;

namespace AutoDesign.Host.Jobs;

[SiloBoundPlacement, Reentrant]
internal sealed class SiloJobsGrain(JobRunner runner) : Grain, ISiloJobsGrain
{
    public Task CancelAsync(Guid job)
    {
        runner.Cancel(job);
        return Task.CompletedTask;
    }
}
