using System.Text.Json.Serialization;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// A design job as the CLI's <c>run</c> and the REST API take it: a JSON object whose <c>kind</c> names the module that
/// reads the rest, e.g. <c>{"kind":"prune","model":"lenet5","dataset":"mnist","agent":"ddpg",
/// "constraint":{"metric":"flops","ratio":0.5},"budget":{"episodes":120},"seed":1}</c>. Each kind's spec is a record of
/// its own (<see cref="JobKinds"/> lists them), so a section another kind has is refused by the reader.
/// </summary>
[JsonConverter(typeof(JobSpecConverter))]
public abstract record JobSpec
{
    /// <summary>Which of the kind's agents searches (see <see cref="IJobKind.Agents"/>).</summary>
    [JsonPropertyOrder(-5)]
    public string? Agent { get; init; }

    /// <summary>Seeds the agent and everything random in the job; equal specs give equal results.</summary>
    [JsonPropertyOrder(5)]
    public int Seed { get; init; } = 1;

    /// <summary>The kind this spec is of.</summary>
    [JsonIgnore]
    public string Kind => JobKinds.OfSpec(GetType()).Name;
}

/// <summary>
/// A cost limit: <see cref="Ratio"/> of the starting model's cost, or an absolute <see cref="Max"/> in the metric's
/// unit (MACs, parameters, ms, mJ, bits, or a table's column). Which metrics and targets apply is the kind's to say.
/// </summary>
public sealed record ConstraintSpec
{
    public string? Metric { get; init; }

    /// <summary>The hardware target that gives latency or energy, e.g. "bitfusion" or "torchsharp-cpu".</summary>
    public string? Target { get; init; }

    public double? Ratio { get; init; }

    public double? Max { get; init; }
}

internal sealed class JobSpecConverter() : KindJsonConverter<JobSpec>("job spec", kind => kind.SpecType);
