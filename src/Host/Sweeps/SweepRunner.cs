using AutoDesign.Search.Jobs;
using System.Collections.Concurrent;
using AutoDesign.HardwareProfiler.Tables;
using AutoDesign.Modeling;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;

namespace AutoDesign.Host.Sweeps;

/// <summary>
/// Runs due sweeps on this silo, one at a time (measurements must not disturb each other): rebuilds the sweep's table
/// and predictor, records each model's latency with the time, and flags drift against the previous successful run.
/// </summary>
internal sealed class SweepRunner(IDbContextFactory<AutoDesignDb> databases, DataFolder folder, ILogger<SweepRunner> logger)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly ConcurrentDictionary<Guid, byte> _due = new();

    public void Start(Guid id)
    {
        if (_due.TryAdd(id, 0)) _ = Task.Run(() => RunAsync(id));
    }

    private async Task RunAsync(Guid id)
    {
        await _oneAtATime.WaitAsync();
        try
        {
            await using var db = await databases.CreateDbContextAsync();
            var sweep = await db.Sweeps.SingleOrDefaultAsync(s => s.Id == id);
            if (sweep is null || DateTime.UtcNow < sweep.NextRunAt) return;
            sweep.NextRunAt = CronSchedule.Next(sweep.Cron, DateTime.UtcNow); // a run that dies is not retried before its next time
            var run = new SweepRunRecord { Id = Guid.NewGuid(), SweepId = id, StartedAt = DateTime.UtcNow };
            db.SweepRuns.Add(run);
            await db.SaveChangesAsync();

            try
            {
                var models = StoredJson.Read<List<string>>(sweep.Models);
                var built = await OwnThread.RunAsync(() => TableBuild.Run(new TableBuildRequest(sweep.Target, models, sweep.Dataset, sweep.Name, sweep.Variants), folder));
                var previous = await db.SweepRuns.AsNoTracking()
                    .Where(r => r.SweepId == id && r.Succeeded && r.Id != run.Id)
                    .OrderByDescending(r => r.StartedAt).FirstOrDefaultAsync();
                var before = previous?.Latencies is null ? [] : StoredJson.Read<Dictionary<string, double>>(previous.Latencies);
                var changes = built.NetworkLatencyMs.Where(m => before.ContainsKey(m.Key))
                    .ToDictionary(m => m.Key, m => m.Value / before[m.Key] - 1);
                run.Succeeded = true;
                run.Entries = built.Entries;
                run.Latencies = StoredJson.Write(built.NetworkLatencyMs);
                run.Changes = StoredJson.Write(changes);
                run.Drifted = changes.Values.Any(c => Math.Abs(c) > sweep.DriftThreshold);
                if (run.Drifted)
                    logger.LogWarning("Sweep {Name}: {Target} drifted beyond {Threshold:P0}: {Changes}", sweep.Name, sweep.Target, sweep.DriftThreshold,
                        string.Join(", ", changes.Select(c => $"{c.Key} {c.Value:+0.0%;-0.0%}")));
            }
            catch (Exception e)
            {
                run.Error = Jobs.JobErrors.Describe(e, Resilience.StorageFaults.Cause(e), folder);
                logger.LogError(e, "Sweep {Name} failed", sweep.Name);
            }
            run.FinishedAt = DateTime.UtcNow;
            await db.SaveChangesAsync();
        }
        finally
        {
            _due.TryRemove(id, out _);
            _oneAtATime.Release();
        }
    }
}
