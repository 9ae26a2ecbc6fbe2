using AutoDesign.Search.Agents;
using AutoDesign.Search.Jobs;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;

namespace AutoDesign.Host.Jobs;

/// <summary>
/// A job's journal in the database: each batch of candidates, the agent's state after it and the job's progress are
/// saved in one transaction, so a silo killed at any moment leaves a journal the job resumes from. A cancel requested
/// through any silo is noticed here, once the batch in flight is recorded.
/// </summary>
internal sealed class DatabaseJournal(IDbContextFactory<AutoDesignDb> databases, Guid jobId) : IJobJournal
{
    public JobCheckpoint? Load()
    {
        using var db = databases.CreateDbContext();
        var checkpoint = db.AgentCheckpoints.AsNoTracking().SingleOrDefault(c => c.JobId == jobId);
        if (checkpoint is null) return null;
        var candidates = db.Candidates.AsNoTracking()
            .Where(c => c.JobId == jobId && c.Index < checkpoint.Candidates)
            .OrderBy(c => c.Index)
            .AsEnumerable()
            .Select(c => c.ToResult())
            .ToList();
        return new JobCheckpoint(candidates, checkpoint.State);
    }

    public void Record(IReadOnlyList<CandidateResult> batch, ISearchAgent agent)
    {
        byte[] state = agent.Snapshot();
        int count = batch[^1].Index + 1;
        using var db = databases.CreateDbContext();
        var job = db.Jobs.Single(j => j.Id == jobId);
        db.Candidates.AddRange(batch.Select(c => CandidateRecord.From(jobId, c)));
        var checkpoint = db.AgentCheckpoints.SingleOrDefault(c => c.JobId == jobId);
        if (checkpoint is null) db.AgentCheckpoints.Add(checkpoint = new AgentCheckpointRecord { JobId = jobId, State = state });
        checkpoint.State = state;
        checkpoint.Candidates = count;
        checkpoint.SavedAt = DateTime.UtcNow;
        job.CandidateCount = count;
        var best = batch.MaxBy(c => c.Accuracy)!;
        if (job.BestAccuracy is null || best.Accuracy > job.BestAccuracy) (job.BestAccuracy, job.BestCost) = (best.Accuracy, best.ConstrainedValue);
        db.SaveChanges();
        if (job.CancelRequested) throw new OperationCanceledException("the job was cancelled"); // what was evaluated is kept
    }
}
