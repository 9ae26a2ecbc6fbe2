using AutoDesign.Contracts;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Host.Hosting;
using AutoDesign.Host.Jobs;
using AutoDesign.Host.Profiling;
using AutoDesign.Host.Security;
using AutoDesign.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoDesign.Host.Api;

/// <summary><c>/api/devices</c> and <c>/api/targets/{name}/profile</c>: the silos' devices, and a model's cost on a target.</summary>
internal static class ProfileEndpoints
{
    public static ProblemHttpResult ProfileTimedOut(TimeSpan timeout) =>
        TypedResults.Problem($"the measurement did not finish within {timeout} (AutoDesign:ProfileTimeout)", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Measurement timed out");

    public static void MapProfiling(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/devices", async (IDbContextFactory<AutoDesignDb> databases, CancellationToken cancellation) =>
            {
                await using var db = await databases.CreateDbContextAsync(cancellation);
                return TypedResults.Ok(await db.Devices.AsNoTracking().OrderBy(d => d.Id)
                    .Select(d => new DeviceView(d.Id, d.Silo, d.Name, d.Kind, d.Description, d.Threads, d.RegisteredAt)).ToListAsync(cancellation));
            })
            .WithTags("Targets").WithSummary("The compute devices the silos registered.");
        app.MapGet("/api/targets/{name}/profile", Profile).Expensive().WithTags("Targets")
            .WithSummary("Per-layer and total latency (and energy) of a model on a target, from its profiler grain (cached for an hour); " +
                         "a measured target runs on this silo's device, or on the device of the silo named by ?silo=.");
    }

    private static async Task<Results<Ok<CostReport>, ValidationProblem, ProblemHttpResult>> Profile(
        string name, string? model, string? dataset, string? precision, string? silo, DataFolder folder, IGrainFactory grains,
        ILocalSiloDetails local, IDbContextFactory<AutoDesignDb> databases, IOptions<ServiceOptions> options)
    {
        var errors = new Dictionary<string, string[]>();
        IHardwareTarget? target = null;
        try { target = HardwareTargets.Resolve(name, folder); }
        catch (ArgumentException e) { errors["name"] = [e.Message]; }
        ModelSpec? spec = null;
        if (string.IsNullOrWhiteSpace(model)) errors["model"] = ["is required, e.g. ?model=resnet20&dataset=fashion-mnist"];
        else
        {
            try { spec = BaseModels.ResolveSpec(model, DatasetCatalog.InfoOf(dataset ?? "mnist", folder), folder); }
            catch (DatasetException e) { errors["dataset"] = [e.Message]; }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException) { errors["model"] = [e.Message]; }
        }
        PrecisionPolicy? bits = null;
        if (precision is not null)
        {
            try { bits = PrecisionNotation.Parse(precision, "precision"); }
            catch (ArgumentException e) { errors["precision"] = [e.Message]; }
        }
        var owner = local.SiloAddress;
        if (silo is not null)
        {
            await using var db = await databases.CreateDbContextAsync();
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            var named = hosts.Keys.FirstOrDefault(h => h.ToParsableString() == silo);
            if (named is null || !await db.Devices.AnyAsync(d => d.Silo == silo))
                errors["silo"] = [$"'{silo}' is not an active silo with registered devices; see /api/devices and /api/silos"];
            else owner = named;
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var profiler = grains.GetGrain<IProfilerGrain>(ProfilerGrain.KeyFor(target!, owner));
        try { return TypedResults.Ok(await profiler.MeasureAsync(spec!, bits).WaitAsync(options.Value.ProfileTimeout)); }
        catch (TimeoutException) { return ProfileTimedOut(options.Value.ProfileTimeout); }
        catch (NotSupportedException e) { return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["model"] = [$"cannot run on {name}: {e.Message}"] }); }
    }
}
