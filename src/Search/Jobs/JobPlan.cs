using System.Text.Json.Serialization;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// A job spec checked once and with every name it uses resolved (the model's network, the absolute budget, the
/// target, the table or super-network, every default filled in): what the service stores and what every later step
/// reads — the job's run, the evaluators on other silos, the export of its candidates. Nothing in a plan is
/// validated again. Each kind's plan is a record of its own, written with its <c>kind</c> like a spec.
/// </summary>
[JsonConverter(typeof(JobPlanConverter))]
public abstract record JobPlan
{
    public required string Agent { get; init; }

    public required int Seed { get; init; }

    /// <summary>Candidates asked for, evaluated in parallel (over every silo of a cluster) and told at once.</summary>
    public int Batch { get; init; } = 1;

    /// <summary>The kind this plan is of.</summary>
    [JsonIgnore]
    public string Kind => JobKinds.OfPlan(GetType()).Name;
}

internal sealed class JobPlanConverter() : KindJsonConverter<JobPlan>("job plan", kind => kind.PlanType);
