using AutoDesign.Search.Jobs;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;

namespace AutoDesign.Host.Jobs;

/// <summary>
/// A job's journal in the database: each batch of candidates, the agent's state after it and the job's progress are
/// saved in one transaction, so a silo killed at any moment leaves a journal the job resumes from. A cancel requested
/// through any silo is read back with each batch and handed to <paramref name="cancelRequested"/>, which stops the
/// search before its next batch.
/// </summary>
internal sealed class DatabaseJournal(IDbContextFactory<AutoDesignDb> databases, Guid jobId, Action cancelRequested) : IJobJournal
{
    public async Task<JobCheckpoint?> LoadAsync(CancellationToken cancellation)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var checkpoint = await db.AgentCheckpoints.AsNoTracking().SingleOrDefaultAsync(c => c.JobId == jobId, cancellation);
        if (checkpoint is null) return null;
        var candidates = await db.Candidates.AsNoTracking()
            .Where(c => c.JobId == jobId && c.Index < checkpoint.Candidates)
            .OrderBy(c => c.Index)
            .ToListAsync(cancellation);
        return new JobCheckpoint([.. candidates.Select(c => c.ToResult())], checkpoint.State);
    }

    public async Task RecordAsync(IReadOnlyList<CandidateResult> batch, byte[] state, CancellationToken cancellation)
    {
        int count = batch[^1].Index + 1;
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var job = await db.Jobs.SingleAsync(j => j.Id == jobId, cancellation);
        db.Candidates.AddRange(batch.Select(c => CandidateRecord.From(jobId, c)));
        var checkpoint = await db.AgentCheckpoints.SingleOrDefaultAsync(c => c.JobId == jobId, cancellation);
        if (checkpoint is null) db.AgentCheckpoints.Add(checkpoint = new AgentCheckpointRecord { JobId = jobId, State = state });
        checkpoint.State = state;
        checkpoint.Candidates = count;
        checkpoint.SavedAt = DateTime.UtcNow;
        job.CandidateCount = count;
        var best = batch.MaxBy(c => c.Accuracy)!;
        if (job.BestAccuracy is null || best.Accuracy > job.BestAccuracy) (job.BestAccuracy, job.BestCost) = (best.Accuracy, best.ConstrainedValue);
        await db.SaveChangesAsync(cancellation);
        if (job.CancelRequested) cancelRequested();
    }
}
