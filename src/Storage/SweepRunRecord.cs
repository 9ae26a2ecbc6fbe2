namespace AutoDesign.Storage;

/// <summary>One run of a sweep: when, what it measured (each model's latency), and whether anything drifted.</summary>
public sealed class SweepRunRecord
{
    public Guid Id { get; set; }

    public Guid SweepId { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public bool Succeeded { get; set; }

    public string? Error { get; set; }

    public int Entries { get; set; }

    /// <summary>Model -> whole-network latency in ms, JSON.</summary>
    public string? Latencies { get; set; }

    /// <summary>Model -> relative change since the previous successful run, JSON.</summary>
    public string? Changes { get; set; }

    public bool Drifted { get; set; }
}
