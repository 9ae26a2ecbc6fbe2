using System.Globalization;
using System.Text.Json.Nodes;

namespace AutoDesign.Dashboard.Components;

/// <summary>How the pages write jobs' figures: one place, so that every page says the same thing the same way.</summary>
public static class Describe
{
    public static string Percent(double? fraction) => fraction is { } f ? f.ToString("P2", CultureInfo.InvariantCulture) : "–";

    /// <summary>
    /// "flops ≤ 50 %", "latency on bitfusion ≤ 30 %", "size ≤ 120000 bits", or, without a constraint, what the job's kind
    /// then optimises (from the catalog).
    /// </summary>
    public static string Constraint(JobView job, CatalogView? catalog)
    {
        if (Text(job.Spec, "constraint", "metric") is not { } metric)
            return catalog?.Kinds.FirstOrDefault(k => k.Name == job.Kind)?.Unconstrained ?? "none";
        string on = Text(job.Spec, "constraint", "target") is { } target ? $" on {target}" : "";
        string limit = Number(job.Spec, "ratio") is { } r ? r.ToString("P0", CultureInfo.InvariantCulture)
            : Number(job.Spec, "max")?.ToString("G4", CultureInfo.InvariantCulture) ?? "?";
        return $"{metric}{on} ≤ {limit}";
    }

    /// <summary>The constrained cost of the best candidate so far, in the constraint's unit.</summary>
    public static string Cost(JobView job) =>
        job.BestCost is { } cost ? $"{cost.ToString("G4", CultureInfo.InvariantCulture)} {Unit(job)}".Trim() : "–";

    public static string Unit(JobView job) => job.Result?.Constraint.Unit ?? Metric(job) switch
    {
        "flops" => "MACs",
        "params" => "params",
        "latency" => "ms",
        "energy" => "mJ",
        "size" => "bits",
        _ => "",
    };

    /// <summary>The constrained metric, as the spec names it.</summary>
    public static string? Metric(JobView job) => Text(job.Spec, "constraint", "metric");

    /// <summary>The target the job's constraint is costed on, if it names one.</summary>
    public static string? Target(JobView job) => Text(job.Spec, "constraint", "target");

    private static string? Text(JsonObject spec, string section, string field) =>
        spec[section]?[field] is JsonValue value && value.TryGetValue(out string? text) && text != "" ? text : null;

    private static double? Number(JsonObject spec, string field) =>
        spec["constraint"]?[field] is JsonValue value && value.TryGetValue(out double number) ? number : null;
}
