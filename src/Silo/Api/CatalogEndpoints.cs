using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.Silo.Api;

/// <summary><c>/api/models</c> and <c>/api/targets</c>: what a job spec can name.</summary>
internal static class CatalogEndpoints
{
    public sealed record ModelsView(IReadOnlyList<string> ZooFamilies, string ZooNames, IReadOnlyList<TrainedModelView> Trained);

    public sealed record TrainedModelView(string Model, string Dataset, long Macs, long Params, double? TestAccuracy, DateTimeOffset CreatedAt, string Directory);

    public sealed record TargetView(string Name, string Kind, string Description);

    public static void MapCatalog(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models", (DataFolder folder) => TypedResults.Ok(new ModelsView(
                ModelZoo.Families,
                "a family, then optionally -w<width multiplier> and -d<depth multiplier>, e.g. resnet20-w0.5 or mobilenet-v2-w0.75",
                new ModelStore(folder).All().Select(m => new TrainedModelView(m.Card.Model, m.Card.Dataset, m.Card.Macs, m.Card.Params,
                    m.Card.TestAccuracy, m.Card.CreatedAt, m.Directory)).ToList())))
            .WithTags("Catalog").WithSummary("The model zoo and the models trained so far.");
        app.MapGet("/api/targets", (DataFolder folder) => TypedResults.Ok(HardwareTargets.NamesIn(folder)
                .Select(n => HardwareTargets.Resolve(n, folder))
                .Select(t => new TargetView(t.Name, t.Kind.ToString().ToLowerInvariant(), t.Description)).ToList()))
            .WithTags("Catalog").WithSummary("The hardware targets a constraint can name.");
    }
}
