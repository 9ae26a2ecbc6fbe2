
namespace AutoDesign.Storage;

/// <summary>A submitted job: its spec as the user sent it, where it stands, and its result once it has one.</summary>
public sealed class JobRecord
{
    public Guid Id { get; set; }

    public required string Kind { get; set; }

    public required string Model { get; set; }

    public required string Dataset { get; set; }

    public required string Agent { get; set; }

    /// <summary>The spec as it was submitted, as JSON (camelCase, as <c>autodesign run</c> reads it).</summary>
    public required string Spec { get; set; }

    /// <summary>
    /// The spec checked and resolved (the job's plan) as JSON: what the job runs from. Null for a job stored before
    /// plans were kept, whose spec is resolved when it next runs.
    /// </summary>
    public string? Plan { get; set; }

    public JobStatus Status { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    /// <summary>Candidates the job will evaluate in all, and how many are recorded.</summary>
    public int Episodes { get; set; }

    public int CandidateCount { get; set; }

    public double? BestAccuracy { get; set; }

    /// <summary>The constrained cost of the candidate with <see cref="BestAccuracy"/>.</summary>
    public double? BestCost { get; set; }

    public double? BudgetLimit { get; set; }

    public bool CancelRequested { get; set; }

    public string? Error { get; set; }

    /// <summary>The search result without its candidates (those are rows of their own), once the job completed.</summary>
    public string? Result { get; set; }

    /// <summary>Where the best network was saved.</summary>
    public string? BestModel { get; set; }

    /// <summary>The silo running it, or that ran it last.</summary>
    public string? Silo { get; set; }
}
