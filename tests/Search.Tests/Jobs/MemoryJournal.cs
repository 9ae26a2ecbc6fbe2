using AutoDesign.Search.Jobs;

namespace AutoDesign.Search.Tests.Jobs;

/// <summary>Keeps what a database would; can stop the job right after a record, as a killed silo would.</summary>
internal sealed class MemoryJournal : IJobJournal
{
    public List<CandidateResult> Candidates { get; } = [];

    public byte[]? AgentState { get; private set; }

    public int? StopAfter { get; set; }

    public Task<JobCheckpoint?> LoadAsync(CancellationToken cancellation) =>
        Task.FromResult(AgentState is null ? null : new JobCheckpoint([.. Candidates], AgentState));

    public Task RecordAsync(IReadOnlyList<CandidateResult> batch, byte[] state, CancellationToken cancellation)
    {
        Candidates.AddRange(batch);
        AgentState = state;
        if (Candidates.Count >= StopAfter) throw new OperationCanceledException("stopped as a killed silo would be");
        return Task.CompletedTask;
    }
}
