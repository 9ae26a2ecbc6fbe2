using System.Globalization;
using AutoDesign.Contracts;
using AutoDesign.Search.Jobs;

namespace AutoDesign.Dashboard.Components;

/// <summary>How the pages write jobs' figures: one place, so that every page says the same thing the same way.</summary>
public static class Describe
{
    public static string Percent(double? fraction) => fraction is { } f ? f.ToString("P2", CultureInfo.InvariantCulture) : "–";

    /// <summary>"flops ≤ 50 %", "latency on bitfusion ≤ 30 %", "size ≤ 120000 bits", or "none".</summary>
    public static string Constraint(JobSpec spec)
    {
        if (spec.Constraint is not { Metric: { } metric } c) return spec.Kind == "prune" ? "accuracy-guaranteed" : "none";
        string on = c.Target is null ? "" : $" on {c.Target}";
        string limit = c.Ratio is { } r ? r.ToString("P0", CultureInfo.InvariantCulture) : c.Max?.ToString("G4", CultureInfo.InvariantCulture) ?? "?";
        return $"{metric}{on} ≤ {limit}";
    }

    /// <summary>The constrained cost of the best candidate so far, in the constraint's unit.</summary>
    public static string Cost(JobView job) =>
        job.BestCost is { } cost ? $"{cost.ToString("G4", CultureInfo.InvariantCulture)} {Unit(job)}".Trim() : "–";

    public static string Unit(JobView job) => job.Result?.Constraint.Unit ?? job.Spec.Constraint?.Metric switch
    {
        "flops" => "MACs",
        "params" => "params",
        "latency" => "ms",
        "energy" => "mJ",
        "size" => "bits",
        _ => "",
    };
}
