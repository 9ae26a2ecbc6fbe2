using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;

namespace AutoDesign.Host.Jobs;

/// <summary>
/// At start-up, hands every unfinished job to its grain at once instead of waiting for its reminder: a restarted
/// single silo resumes its jobs within seconds, and a job whose submission was cut short still runs.
/// </summary>
internal sealed class JobRecovery(IDbContextFactory<AutoDesignDb> databases, IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<JobRecovery> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(started.SetResult)) await started.Task.WaitAsync(stopping);

        await using var db = await databases.CreateDbContextAsync(stopping);
        var unfinished = await db.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Queued || j.Status == JobStatus.Running)
            .OrderBy(j => j.CreatedAt).Select(j => j.Id).ToListAsync(stopping);
        foreach (var id in unfinished) await grains.GetGrain<IJobGrain>(id).StartAsync();
        if (unfinished.Count > 0) logger.LogInformation("{Count} unfinished jobs handed back to their grains", unfinished.Count);
    }
}
