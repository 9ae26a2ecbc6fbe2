namespace AutoDesign.Storage;

/// <summary>A job's agent state after its last recorded candidate (written in the same transaction as that candidate).</summary>
public sealed class AgentCheckpointRecord
{
    public Guid JobId { get; set; }

    public int Candidates { get; set; }

    public required byte[] State { get; set; }

    public DateTime SavedAt { get; set; }
}
