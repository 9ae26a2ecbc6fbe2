using AutoDesign.Search.Agents;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// Where a running job records each evaluated batch of candidates with its agent's state after it, and where a
/// restarted job reads them back: the agent is restored and the search carries on after the last recorded batch, so
/// nothing evaluated is lost or counted twice.
/// </summary>
public interface IJobJournal
{
    /// <summary>What an earlier run of this job recorded, or null if it recorded nothing.</summary>
    Task<JobCheckpoint?> LoadAsync(CancellationToken cancellation);

    /// <summary>
    /// Called once the agent has been told the batch's rewards; the batch and the agent's state must be stored
    /// together (an agent told of a batch that was only partly stored could not be resumed exactly).
    /// </summary>
    Task RecordAsync(IReadOnlyList<CandidateResult> batch, ISearchAgent agent, CancellationToken cancellation) =>
        RecordAsync(batch, agent.Snapshot(), cancellation);

    /// <summary>Records a batch with the state it leaves the job in, stored together (a job without an agent, such as training, has a state of its own).</summary>
    Task RecordAsync(IReadOnlyList<CandidateResult> batch, byte[] state, CancellationToken cancellation);
}

/// <summary>The candidates recorded so far, in order, and the agent's (or the job's) state after the last of them.</summary>
public sealed record JobCheckpoint(IReadOnlyList<CandidateResult> Candidates, byte[] AgentState);

/// <summary>A journal that keeps nothing: the run cannot be resumed.</summary>
public sealed class NoJournal : IJobJournal
{
    public static readonly NoJournal Instance = new();

    public Task<JobCheckpoint?> LoadAsync(CancellationToken cancellation) => Task.FromResult<JobCheckpoint?>(null);

    public Task RecordAsync(IReadOnlyList<CandidateResult> batch, byte[] state, CancellationToken cancellation) => Task.CompletedTask;
}
