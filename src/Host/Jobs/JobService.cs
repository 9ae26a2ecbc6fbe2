using System.Text.Json.Nodes;
using AutoDesign.Host.Hosting;
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
public sealed class JobService(IDbContextFactory<AutoDesignDb> databases, JobLifecycle lifecycle, IGrainFactory grains, DataFolder folder, IOptions<ServiceOptions> options)
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

    private static JobView View(JobRecord job) =>
        new(job.Id, job.Kind, job.Model, job.Dataset, job.Agent, job.Status.ToString().ToLowerInvariant(),
            job.CreatedAt, job.StartedAt, job.FinishedAt, new JobProgress(job.CandidateCount, job.Episodes),
            job.BestAccuracy, job.BestCost, job.BudgetLimit, job.Error, job.Silo, JsonNode.Parse(job.Spec)!.AsObject(),
            job.Result is null ? null : StoredJson.Read<JobOutcome>(job.Result), HasNetworks(job));

    /// <summary>Whether the job's candidates are networks to profile and export, as its kind says of its spec.</summary>
    private static bool HasNetworks(JobRecord job)
    {
        try { return StoredJson.Read<JobSpec>(job.Spec) is { } spec && JobKinds.Of(spec).HasNetworks(spec); }
        catch (InvalidSpecException) { return false; }
    }
}
