namespace AutoDesign.Storage;

/// <summary>A scheduled hardware sweep: which models to re-profile on which target, when (cron), and what counts as drift.</summary>
public sealed class SweepRecord
{
    public Guid Id { get; set; }

    /// <summary>Also the name of the table and predictor it rebuilds (lut:NAME, predictor:NAME).</summary>
    public required string Name { get; set; }

    public required string Cron { get; set; }

    public required string Target { get; set; }

    /// <summary>Zoo names, JSON array.</summary>
    public required string Models { get; set; }

    public required string Dataset { get; set; }

    public int Variants { get; set; }

    /// <summary>Relative change of a model's latency since the previous run beyond which the run is flagged.</summary>
    public double DriftThreshold { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime NextRunAt { get; set; }
}
