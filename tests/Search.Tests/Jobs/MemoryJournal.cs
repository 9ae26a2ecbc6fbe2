using AutoDesign.Search.Agents;
using AutoDesign.Search.Jobs;

namespace AutoDesign.Search.Tests.Jobs;

/// <summary>Keeps what a database would; can stop the job right after a record, as a killed silo would.</summary>
internal sealed class MemoryJournal : IJobJournal
{
    public List<CandidateResult> Candidates { get; } = [];

    public byte[]? AgentState { get; private set; }

    public int? StopAfter { get; set; }

    public JobCheckpoint? Load() => AgentState is null ? null : new JobCheckpoint([.. Candidates], AgentState);

    public void Record(IReadOnlyList<CandidateResult> batch, ISearchAgent agent)
    {
        Candidates.AddRange(batch);
        AgentState = agent.Snapshot();
        if (Candidates.Count >= StopAfter) throw new OperationCanceledException("stopped as a killed silo would be");
    }
}
