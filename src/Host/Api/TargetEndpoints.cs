using AutoDesign.HardwareProfiler.Tables;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;

namespace AutoDesign.Host.Api;

/// <summary><c>/api/targets</c>: the hardware targets a constraint can name.</summary>
internal static class TargetEndpoints
{
    public static void MapTargets(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/targets", (DataFolder folder) => TypedResults.Ok(Targets(folder)))
            .WithTags("Targets").WithSummary("The hardware targets a constraint can name.");

    public static IReadOnlyList<TargetView> Targets(DataFolder folder) =>
        [.. HardwareTargets.NamesIn(folder)
            .Select(n => HardwareTargets.Resolve(n, folder))
            .Select(t => new TargetView(t.Name, t.Kind.ToString().ToLowerInvariant(), t.Description,
                (t as TableTarget)?.Table.Entries.Count, (t as TableTarget)?.Table.CreatedAt))];
}
