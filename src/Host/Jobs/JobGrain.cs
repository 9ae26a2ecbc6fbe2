using AutoDesign.Host.Hosting;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AutoDesign.Host.Jobs;

/// <summary>
/// Controls one job. Its reminder outlives silos: when it fires and no live silo runs the job, this silo's runner
/// takes it up from its journal, so a job whose silo was killed continues on a restarted or surviving one.
/// </summary>
[RandomPlacement] // jobs spread over the silos; each runs where its grain lives
internal sealed class JobGrain(
    JobRunner runner,
    IDbContextFactory<AutoDesignDb> databases,
    ILocalSiloDetails silo,
    IOptions<ServiceOptions> options,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IRemindable
{
    private const string KeepAlive = "keep-alive";

    private Guid Id => this.GetPrimaryKey();

    public async Task Start()
    {
        var period = options.Value.ReminderPeriod;
        await this.RegisterOrUpdateReminder(KeepAlive, period, period);
        await EnsureRunning();
    }

    public async Task<bool> Cancel()
    {
        await using var db = await databases.CreateDbContextAsync();
        var job = await db.Jobs.SingleOrDefaultAsync(j => j.Id == Id);
        if (job is null || job.Status.IsFinished()) return false;
        job.CancelRequested = true;
        if (job.Status == JobStatus.Queued && !runner.Has(Id))
        {
            job.Status = JobStatus.Cancelled;
            job.FinishedAt = DateTime.UtcNow;
        }
        await db.SaveChangesAsync();
        runner.Cancel(Id);
        return true;
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
