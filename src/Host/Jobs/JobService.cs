using AutoDesign.Contracts;
using AutoDesign.Modeling;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Pareto;
using AutoDesign.Host.Hosting;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoDesign.Host.Jobs;

/// <summary>Thrown when the service takes no more jobs for now.</summary>
public sealed class QueueFullException(int limit) : Exception($"{limit} jobs are already waiting; retry later");

/// <summary>
/// What people and programs do with jobs — the contract behind the REST API and the dashboard: submit, list, read,
/// page through candidates, read the Pareto front, cancel. Reads come from the database, never from a running grain.
/// </summary>
public sealed class JobService(IDbContextFactory<AutoDesignDb> databases, IGrainFactory grains, DataFolder folder, IOptions<ServiceOptions> options)
{
    public const int MaxPageSize = 1_000;

    /// <summary>Validates the spec (throwing <see cref="JobSpecException"/> naming each bad field), stores the job and queues it.</summary>
    public async Task<JobView> Submit(string specJson, CancellationToken cancellation = default)
    {
        var spec = JobSpecJson.Parse(specJson);
        var valid = JobSpecValidator.Check(spec, folder);
        await using var db = await databases.CreateDbContextAsync(cancellation);
        int queued = await db.Jobs.CountAsync(j => j.Status == JobStatus.Queued, cancellation);
        if (queued >= options.Value.MaxQueuedJobs) throw new QueueFullException(options.Value.MaxQueuedJobs);

        var job = new JobRecord
        {
            Id = Guid.NewGuid(),
            Kind = spec.Kind!,
            Model = spec.Model ?? valid.Nas?.SpaceName ?? "",  // an architecture search names its space instead
            Dataset = spec.Dataset ?? (valid.Nas is null ? "" : "table"),
            Agent = spec.Agent!,
            Spec = StoredJson.Write(spec),
            Status = JobStatus.Queued,
            CreatedAt = DateTime.UtcNow,
            Episodes = spec.Agent is "uniform" or "fixed" ? 1 : valid.Episodes,
            BudgetLimit = valid.BudgetLimit,
        };
        db.Jobs.Add(job);
        await db.SaveChangesAsync(cancellation);
        await grains.GetGrain<IJobGrain>(job.Id).Start();
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

    /// <summary>Null for an unknown job; false if it had already finished.</summary>
    public async Task<bool?> Cancel(Guid id, CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        if (!await db.Jobs.AnyAsync(j => j.Id == id, cancellation)) return null;
        return await grains.GetGrain<IJobGrain>(id).Cancel();
    }

    private static JobView View(JobRecord job)
    {
        JobOutcome? outcome = null;
        if (job.Result is not null)
        {
            var result = StoredJson.Read<SearchResult>(job.Result);
            outcome = new JobOutcome(result.Base, result.Constraint, result.Best, result.Pareto, result.Evaluations, result.EvaluationsPerSecond, result.Seconds, result.Predicted);
        }
        return new JobView(job.Id, job.Kind, job.Model, job.Dataset, job.Agent, job.Status.ToString().ToLowerInvariant(),
            job.CreatedAt, job.StartedAt, job.FinishedAt, new JobProgress(job.CandidateCount, job.Episodes),
            job.BestAccuracy, job.BestCost, job.BudgetLimit, job.Error, job.Silo, StoredJson.Read<JobSpec>(job.Spec), outcome);
    }
}
