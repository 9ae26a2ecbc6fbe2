namespace AutoDesign.Storage;

/// <summary>The persistent state of one grain (Orleans grain storage), as JSON with its optimistic-concurrency tag.</summary>
public sealed class GrainStateRecord
{
    public required string StateName { get; set; }

    public required string GrainId { get; set; }

    public required string ETag { get; set; }

    public required string Json { get; set; }

    public DateTime UpdatedAt { get; set; }
}
