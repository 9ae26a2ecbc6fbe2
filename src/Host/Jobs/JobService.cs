using System.Text.Json.Nodes;
using AutoDesign.Host.Hosting;
using AutoDesign.Host.Resilience;
using AutoDesign.Modeling;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Pareto;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoDesign.Host.Jobs;

/// <summary>
/// What people and programs do with jobs — the contract behind the REST API and the dashboard: submit, list, read,
/// page through candidates, read the Pareto front, cancel. Reads come from the database, never from a running grain.
/// </summary>
public sealed class JobService(
    IDbContextFactory<AutoDesignDb> databases, JobLifecycle lifecycle, StorageRecovery recovery, IGrainFactory grains, DataFolder folder, IOptions<ServiceOptions> options)
{
    public const int MaxPageSize = 1_000;

    /// <summary>
    /// Reads and checks the spec once, resolving it into the plan the job runs from (an <see cref="InvalidSpecException"/>
    /// names each bad field), stores the job and queues it.
    /// </summary>
    public async Task<JobView> Submit(string specJson, CancellationToken cancellation = default)
    {
        var spec = RequestJson.Parse<JobSpec>(specJson, "job spec", "spec");
        var plan = await OwnThread.RunAsync(() => JobKinds.Of(spec).Plan(spec, folder));
        var job = await lifecycle.QueueAsync(spec, plan, options.Value.MaxQueuedJobs, cancellation);
        await grains.GetGrain<IJobGrain>(job.Id).StartAsync();
        return View(job);
    }

    public async Task<Page<JobView>> List(JobStatus? status, int offset, int limit, CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var jobs = db.Jobs.AsNoTracking().Where(j => status == null || j.Status == status);
        int total = await jobs.CountAsync(cancellation);
        var page = await jobs.OrderByDescending(j => j.CreatedAt).Skip(offset).Take(limit).ToListAsync(cancellation);
        return new Page<JobView>(page.Select(View).ToList(), offset, limit, total);
    }

    public async Task<JobView?> Get(Guid id, CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellation);
        return job is null ? null : View(job);
    }

    public async Task<Page<CandidateResult>?> Candidates(Guid id, int offset, int limit, CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        if (!await db.Jobs.AnyAsync(j => j.Id == id, cancellation)) return null;
        var candidates = db.Candidates.AsNoTracking().Where(c => c.JobId == id);
        int total = await candidates.CountAsync(cancellation);
        var page = await candidates.OrderBy(c => c.Index).Skip(offset).Take(limit).ToListAsync(cancellation);
        return new Page<CandidateResult>(page.Select(c => c.ToResult()).ToList(), offset, limit, total);
    }

    /// <summary>The candidates no other beats on both accuracy and the constrained cost, as of now, by cost.</summary>
    public async Task<IReadOnlyList<ParetoPoint>?> Pareto(Guid id, CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        if (!await db.Jobs.AnyAsync(j => j.Id == id, cancellation)) return null;
        var points = await db.Candidates.AsNoTracking().Where(c => c.JobId == id).OrderBy(c => c.Index)
            .Select(c => new ParetoPoint(c.Index, c.Accuracy, c.Flops, c.Params, c.ConstrainedValue)).ToListAsync(cancellation);
        return ParetoFront.Of([.. points.Select(p => (p.Accuracy, p.ConstrainedValue))])
            .Select(i => points[i]).OrderBy(p => p.ConstrainedValue).ToList();
    }

    public async Task<CancelOutcome> Cancel(Guid id, CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        if (!await db.Jobs.AnyAsync(j => j.Id == id, cancellation)) return CancelOutcome.Unknown;
        return await grains.GetGrain<IJobGrain>(id).CancelAsync();
    }

    /// <summary>
    /// Queues a failed job again; it resumes from its journal (the candidates it recorded are kept). Null for an unknown
    /// job; the job as it is when it cannot be resumed (completed or cancelled).
    /// </summary>
    public async Task<(JobView? Job, bool Resumed)> Resume(Guid id, CancellationToken cancellation = default)
    {
        bool resumed = await lifecycle.ResumeAsync(id, cancellation);
        if (resumed) await grains.GetGrain<IJobGrain>(id).StartAsync();
        return (await Get(id, cancellation), resumed);
    }

    private JobView View(JobRecord job)
    {
        // A job a storage fault stopped is failed, with that cause, even where the fault kept its record from saying so.
        var (status, error) = job.Status is JobStatus.Queued or JobStatus.Running && recovery.StoppedBy(job.Id) is { } cause
            ? ("failed", JobErrors.Storage(cause))
            : (job.Status.ToString().ToLowerInvariant(), job.Error);
        return new(job.Id, job.Kind, job.Model, job.Dataset, job.Agent, status,
            job.CreatedAt, job.StartedAt, job.FinishedAt, new JobProgress(job.CandidateCount, job.Episodes),
            job.BestAccuracy, job.BestCost, job.BudgetLimit, error, job.Silo, JsonNode.Parse(job.Spec)!.AsObject(),
            job.Result is null ? null : StoredJson.Read<JobOutcome>(job.Result), HasNetworks(job), JobKinds.Find(job.Kind)?.Trains ?? false);
    }

    /// <summary>Whether the job's candidates are networks to profile and export, as its kind says of its spec.</summary>
    private static bool HasNetworks(JobRecord job)
    {
        try { return StoredJson.Read<JobSpec>(job.Spec) is { } spec && JobKinds.Of(spec).HasNetworks(spec); }
        catch (InvalidSpecException) { return false; }
    }
}
