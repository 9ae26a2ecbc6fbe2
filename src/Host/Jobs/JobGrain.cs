using AutoDesign.Host.Hosting;
using AutoDesign.Host.Placement;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AutoDesign.Host.Jobs;

/// <summary>
/// Controls one job. Its reminder outlives silos: when it fires and no live silo runs the job, this silo's runner
/// takes it up from its journal, so a job whose silo was killed continues on a restarted or surviving one. A cancel
/// goes through the job's lifecycle and on to the silo that runs it.
/// </summary>
[RandomPlacement] // jobs spread over the silos; each runs where its grain lives
internal sealed class JobGrain(
    JobRunner runner,
    JobLifecycle lifecycle,
    IDbContextFactory<AutoDesignDb> databases,
    ILocalSiloDetails silo,
    IOptions<ServiceOptions> options,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IRemindable
{
    private const string KeepAlive = "keep-alive";

    private Guid Id => this.GetPrimaryKey();

    public async Task StartAsync()
    {
        var period = options.Value.ReminderPeriod;
        await this.RegisterOrUpdateReminder(KeepAlive, period, period);
        await EnsureRunning();
    }

    public async Task<CancelOutcome> CancelAsync()
    {
        var (outcome, owner) = await lifecycle.RequestCancelAsync(Id, CancellationToken.None);
        runner.Cancel(Id); // a queued job this silo was about to start stops before it runs
        if (outcome != CancelOutcome.Stopping) return outcome;
        if (owner is not null && owner != JobRunner.SiloName(silo))
        {
            try { await GrainFactory.GetGrain<ISiloJobsGrain>(SiloBoundPlacement.KeyFor(owner, "jobs")).CancelAsync(Id); }
            catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException)
            {
                logger.LogInformation("Job {Id}'s silo {Silo} is gone; the job stops when another silo takes it over", Id, owner);
            }
        }
        return outcome;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await EnsureRunning()) return;
        if (await this.GetReminder(reminderName) is { } finished) await this.UnregisterReminder(finished);
    }

    /// <summary>Queues the job here unless it finished or a live silo runs it; false once it has finished.</summary>
    private async Task<bool> EnsureRunning()
    {
        if (runner.Has(Id)) return true;
        await using var db = await databases.CreateDbContextAsync();
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == Id);
        if (job is null || job.Status.IsFinished()) return false;
        if (job is { Status: JobStatus.Running, Silo: { } owner } && owner != JobRunner.SiloName(silo) && await IsAlive(owner)) return true;
        logger.LogInformation("Job {Id} ({Status}) is taken up by {Silo}", Id, job.Status, JobRunner.SiloName(silo));
        runner.Enqueue(Id);
        return true;
    }

    private async Task<bool> IsAlive(string siloName)
    {
        var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return hosts.Keys.Any(address => address.ToParsableString() == siloName);
    }
}
