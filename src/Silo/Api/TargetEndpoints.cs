using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;

namespace AutoDesign.Silo.Api;

/// <summary><c>/api/targets</c>: the hardware targets a constraint can name.</summary>
internal static class TargetEndpoints
{
    public sealed record TargetView(string Name, string Kind, string Description);

    public static void MapTargets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/targets", (DataFolder folder) => TypedResults.Ok(HardwareTargets.NamesIn(folder)
                .Select(n => HardwareTargets.Resolve(n, folder))
                .Select(t => new TargetView(t.Name, t.Kind.ToString().ToLowerInvariant(), t.Description)).ToList()))
            .WithTags("Targets").WithSummary("The hardware targets a constraint can name.");
    }
}
