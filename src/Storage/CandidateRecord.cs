
namespace AutoDesign.Storage;

/// <summary>One evaluated candidate of a job; the policy and per-target metrics are kept as JSON.</summary>
public sealed class CandidateRecord
{
    public Guid JobId { get; set; }

    public int Index { get; set; }

    public double Accuracy { get; set; }

    public long Flops { get; set; }

    public long Params { get; set; }

    public double ConstrainedValue { get; set; }

    public double Reward { get; set; }

    public required string Policy { get; set; }

    public string? Metrics { get; set; }

    public DateTime EvaluatedAt { get; set; }

    /// <summary>The silo whose worker scored the candidate (null for a job scored in its own process).</summary>
    public string? EvaluatedOn { get; set; }

    public static CandidateRecord From(Guid jobId, CandidateResult candidate) => new()
    {
        JobId = jobId,
        Index = candidate.Index,
        Accuracy = candidate.Accuracy,
        Flops = candidate.Flops,
        Params = candidate.Params,
        ConstrainedValue = candidate.ConstrainedValue,
        Reward = candidate.Reward,
        Policy = StoredJson.Write(candidate.Policy),
        Metrics = candidate.Metrics is null ? null : StoredJson.Write(candidate.Metrics),
        EvaluatedAt = DateTime.UtcNow,
        EvaluatedOn = candidate.EvaluatedOn,
    };

    public CandidateResult ToResult() => new(Index, Accuracy, Flops, Params, ConstrainedValue, Reward,
        StoredJson.Read<List<PolicyEntry>>(Policy), Metrics is null ? null : StoredJson.Read<Dictionary<string, double>>(Metrics), EvaluatedOn);
}
