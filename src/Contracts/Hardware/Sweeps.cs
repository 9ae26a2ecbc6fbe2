namespace AutoDesign.Contracts;

/// <summary>
/// A sweep as <c>POST /api/sweeps</c> takes it, e.g. <c>{"name":"cpu-nightly","cron":"0 3 * * *","target":"onnxruntime-cpu",
/// "models":["lenet5","resnet20"]}</c>. Cron has five fields, or six with seconds first; times are UTC.
/// </summary>
public sealed record SweepSpec
{
    public string? Name { get; init; }

    public string? Cron { get; init; }

    public string? Target { get; init; }

    public IReadOnlyList<string>? Models { get; init; }

    public string Dataset { get; init; } = "mnist";

    /// <summary>Randomly pruned variants per model, besides 100/75/50/25% widths.</summary>
    public int Variants { get; init; } = 4;

    /// <summary>A model whose latency moved by more than this fraction since the last run flags the run as drifted.</summary>
    public double DriftThreshold { get; init; } = 0.1;
}

/// <summary>A sweep with its schedule and last run.</summary>
public sealed record SweepView(Guid Id, string Name, string Cron, string Target, IReadOnlyList<string> Models, string Dataset, int Variants,
    double DriftThreshold, DateTime CreatedAt, DateTime NextRunAt, SweepRunView? LastRun);

public sealed record SweepRunView(Guid Id, DateTime StartedAt, DateTime? FinishedAt, bool Succeeded, string? Error, int Entries,
    IReadOnlyDictionary<string, double>? LatencyMs, IReadOnlyDictionary<string, double>? Change, bool Drifted);
