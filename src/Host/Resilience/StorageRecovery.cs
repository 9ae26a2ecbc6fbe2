using System.Collections.Concurrent;
using AutoDesign.Host.Hosting;
using AutoDesign.Host.Jobs;
using AutoDesign.Modeling;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoDesign.Host.Resilience;

/// <summary>
/// Brings back what a storage fault stopped. Jobs failed by the storage (or whose failure could not even be written)
/// are kept here; every <see cref="ServiceOptions.StorageRetryPeriod"/> while any are kept or the storage is faulted,
/// each is queued again (its journal was written in whole batches, so it resumes where it stopped), and once a write
/// goes through the storage is healthy again. A silo restarted meanwhile forgets them: <c>POST /api/jobs/{id}/resume</c> does it then.
/// </summary>
public sealed class StorageRecovery(
    IDbContextFactory<AutoDesignDb> databases,
    DataFolder folder,
    JobLifecycle lifecycle,
    StorageHealth health,
    IGrainFactory grains,
    IOptions<ServiceOptions> options,
    ILogger<StorageRecovery> logger) : BackgroundService
{
    /// <summary>How often one job is resumed by itself: a job that a fault stops again and again stays failed, for a person to resume.</summary>
    public const int MaxResumes = 3;

    private readonly ConcurrentDictionary<Guid, string> _stopped = new();
    private readonly ConcurrentDictionary<Guid, int> _resumes = new();

    /// <summary>Records a storage fault that stopped <paramref name="job"/>, to resume it once the storage works.</summary>
    public void Stopped(string cause, Guid job)
    {
        health.Faulted(cause);
        if (_resumes.GetValueOrDefault(job) < MaxResumes) _stopped[job] = cause;
        else logger.LogWarning("Job {Id} was stopped by the storage {Times} times; it stays failed until it is resumed through the API", job, MaxResumes + 1);
    }

    /// <summary>The storage fault that stopped the job on this silo and that its record may not show (the write failed too), or null.</summary>
    public string? StoppedBy(Guid job) => _stopped.GetValueOrDefault(job);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.Value.StorageRetryPeriod);
        while (await timer.WaitForNextTickAsync(stopping))
        {
            if (!health.IsFaulted && _stopped.IsEmpty) continue;
            try
            {
                Database.Reconnect();
                await ProbeAsync(stopping);
                foreach (var id in _stopped.Keys)
                {
                    if (await lifecycle.ResumeAsync(id, stopping)) await grains.GetGrain<IJobGrain>(id).StartAsync();
                    _stopped.TryRemove(id, out _);
                    _resumes.AddOrUpdate(id, 1, (_, times) => times + 1);
                    logger.LogInformation("Job {Id}, stopped by a storage fault, resumes from its journal", id);
                }
                if (health.IsFaulted) logger.LogInformation("The storage takes writes again");
                health.Recovered();
            }
            catch (Exception e) when (StorageFaults.Cause(e) is { } cause)
            {
                health.Faulted(cause);
                logger.LogWarning("The storage still fails ({Cause}); {Jobs} jobs wait to resume", cause, _stopped.Count);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                // Whatever else failed (a grain call, say), the next tick tries again: this loop never stops the host.
                logger.LogWarning(e, "Resuming the jobs a storage fault stopped failed; trying again");
            }
        }
    }

    /// <summary>Real writes — a small file in the data folder, the newest job's status unchanged — so that a full disk or a read-only database shows.</summary>
    private async Task ProbeAsync(CancellationToken cancellation)
    {
        string probe = Path.Combine(folder.Root, $".storage-probe-{Environment.ProcessId}");
        try { await File.WriteAllBytesAsync(probe, new byte[64 * 1024], cancellation); }
        finally { File.Delete(probe); }
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var job = await db.Jobs.OrderByDescending(j => j.CreatedAt).FirstOrDefaultAsync(cancellation);
        if (job is null) return;
        db.Entry(job).Property(j => j.Status).IsModified = true;
        await db.SaveChangesAsync(cancellation);
    }
}
