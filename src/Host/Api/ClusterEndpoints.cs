using AutoDesign.Host.Jobs;

namespace AutoDesign.Host.Api;

/// <summary><c>/api/silo</c> (the silo that answers) and <c>/api/silos</c> (the cluster's active members).</summary>
internal static class ClusterEndpoints
{
    public static void MapCluster(this IEndpointRouteBuilder app)
    {
        var cluster = app.MapGroup("/api").WithTags("Cluster");
        cluster.MapGet("/silo", (ILocalSiloDetails silo) => TypedResults.Ok(new { name = JobRunner.SiloName(silo), address = silo.SiloAddress.Endpoint.ToString() }))
            .WithSummary("The silo that answered this request.");
        cluster.MapGet("/silos", async (IGrainFactory grains) =>
                TypedResults.Ok((await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Select(h => new { name = h.Key.ToParsableString(), status = h.Value.ToString().ToLowerInvariant() })))
            .WithSummary("The active silos of the cluster.");
    }
}
