using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Zoo;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Jobs;
using AutoDesign.Modeling.Supernet;

namespace AutoDesign.Host.Api;

/// <summary><c>/api/catalog</c>: what a client needs to offer every kind of job: the kinds with their fields, the agents, and the names a spec may use.</summary>
internal static class CatalogEndpoints
{
    public static void MapCatalog(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/catalog", (DataFolder folder) => TypedResults.Ok(Catalog(folder)))
            .WithTags("Catalog").WithSummary("The kinds of job (with the fields of their specs), the agents and the kinds each serves, targets, data sets, models and super-networks.");

    public static CatalogView Catalog(DataFolder folder) => new(
        [.. JobKinds.All.Select(k => new KindView(k.Name, k.Title, k.Description, k.Agents, k.Form, k.Unconstrained))],
        [.. SearchAgents.All.Select(a => new AgentView(a.Name, a.Description, [.. JobKinds.All.Where(k => k.Agents.Contains(a.Name)).Select(k => k.Name)], a.Baseline))],
        TargetEndpoints.Targets(folder),
        DatasetCatalog.BuiltIn,
        [.. ModelZoo.Families.Concat(new ModelStore(folder).All().Select(m => m.Card.Model)).Concat(new UploadedModels(folder).All().Select(u => u.Reference)).Distinct()],
        SupernetFolders.Names(folder));
}
