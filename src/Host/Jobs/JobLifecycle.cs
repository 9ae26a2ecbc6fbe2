using AutoDesign.Search.Jobs;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;

namespace AutoDesign.Host.Jobs;

/// <summary>
/// The one owner of a job's life: every change of status — queued, running, completed, failed, cancelled — with its
/// times, error and result is written here and nowhere else, each in one transaction on the job's row.
/// </summary>
public sealed class JobLifecycle(IDbContextFactory<AutoDesignDb> databases)
{
    /// <summary>Stores a submitted job, its spec as submitted and the plan it runs from, as queued.</summary>
    public async Task<JobRecord> QueueAsync(JobSpec spec, JobPlan plan, int maxQueued, CancellationToken cancellation)
    {
        var summary = JobKinds.Of(plan).Summarize(plan);
        await using var db = await databases.CreateDbContextAsync(cancellation);
        await using var queue = await Database.LockQueueAsync(db, cancellation);
        if (await db.Jobs.CountAsync(j => j.Status == JobStatus.Queued, cancellation) >= maxQueued) throw new QueueFullException(maxQueued);
        var job = new JobRecord
        {
            Id = Guid.NewGuid(),
            Kind = spec.Kind,
            Model = summary.Subject,
            Dataset = summary.Dataset,
            Agent = plan.Agent,
            Spec = StoredJson.Write(spec),
            Plan = StoredJson.Write(plan),
            Status = JobStatus.Queued,
            CreatedAt = DateTime.UtcNow,
            Episodes = summary.Candidates,
            BudgetLimit = summary.BudgetLimit,
        };
        db.Jobs.Add(job);
        await db.SaveChangesAsync(cancellation);
        await queue.CommitAsync(cancellation);
        return job;
    }

    /// <summary>
    /// Marks the job running on <paramref name="silo"/>. A job asked to cancel before it started is cancelled instead;
    /// a finished one is left alone. Returns the job when it is to run.
    /// </summary>
    public async Task<JobRecord?> StartAsync(Guid id, string silo, CancellationToken cancellation) =>
        await ChangeAsync(id, job =>
        {
            if (job.Status.IsFinished()) return false;
            if (job.CancelRequested) Finish(job, JobStatus.Cancelled);
            else
            {
                job.Status = JobStatus.Running;
                job.StartedAt ??= DateTime.UtcNow;
                job.Silo = silo;
            }
            return true;
        }, cancellation) is { Status: JobStatus.Running } started ? started : null;

    /// <summary>Keeps the plan a job stored before plans existed was resolved to when it first ran again.</summary>
    public Task SavePlanAsync(Guid id, JobPlan plan, CancellationToken cancellation) =>
        ChangeAsync(id, job => { job.Plan = StoredJson.Write(plan); return true; }, cancellation);

    public Task CompleteAsync(Guid id, SearchResult result, CancellationToken cancellation) =>
        ChangeAsync(id, job =>
        {
            Finish(job, JobStatus.Completed);
            job.Result = StoredJson.Write(result with { Candidates = [] });
            job.BestModel = result.Best.SavedModel;
            job.BudgetLimit = result.BudgetLimit;
            return true;
        }, cancellation);

    public Task FailAsync(Guid id, string error, CancellationToken cancellation) =>
        ChangeAsync(id, job => { Finish(job, JobStatus.Failed); job.Error = error; return true; }, cancellation);

    /// <summary>
    /// Queues a failed job again to resume from its journal (true); a job still queued or running is left as it is (true);
    /// a completed, cancelled or unknown one cannot be resumed (false).
    /// </summary>
    public async Task<bool> ResumeAsync(Guid id, CancellationToken cancellation)
    {
        bool resumable = false;
        await ChangeAsync(id, job =>
        {
            resumable = job.Status is JobStatus.Failed or JobStatus.Queued or JobStatus.Running;
            if (job.Status != JobStatus.Failed) return false;
            job.Status = JobStatus.Queued;
            job.Error = null;
            job.FinishedAt = null;
            return true;
        }, cancellation);
        return resumable;
    }

    public Task CancelledAsync(Guid id, CancellationToken cancellation) =>
        ChangeAsync(id, job => { Finish(job, JobStatus.Cancelled); return true; }, cancellation);

    /// <summary>
    /// Asks a job to stop. A queued job is cancelled at once (a worker that takes it up finds it finished); a running
    /// one keeps the request, so whichever silo runs it, now or after a take-over, stops it.
    /// </summary>
    public async Task<(CancelOutcome Outcome, string? Silo)> RequestCancelAsync(Guid id, CancellationToken cancellation)
    {
        var outcome = CancelOutcome.Unknown;
        var job = await ChangeAsync(id, job =>
        {
            if (job.Status.IsFinished())
            {
                outcome = CancelOutcome.Finished;
                return false;
            }
            job.CancelRequested = true;
            if (job.Status == JobStatus.Queued)
            {
                Finish(job, JobStatus.Cancelled);
                outcome = CancelOutcome.Cancelled;
            }
            else outcome = CancelOutcome.Stopping;
            return true;
        }, cancellation);
        return (outcome, job?.Status == JobStatus.Running ? job.Silo : null);
    }

    private static void Finish(JobRecord job, JobStatus status)
    {
        job.Status = status;
        job.FinishedAt = DateTime.UtcNow;
    }

    private async Task<JobRecord?> ChangeAsync(Guid id, Func<JobRecord, bool> change, CancellationToken cancellation)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var job = await db.Jobs.SingleOrDefaultAsync(j => j.Id == id, cancellation);
        if (job is null || !change(job)) return job;
        await db.SaveChangesAsync(cancellation);
        return job;
    }
}
