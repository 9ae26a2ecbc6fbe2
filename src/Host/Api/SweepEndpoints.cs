using AutoDesign.Contracts;
using AutoDesign.Host.Hosting;
using AutoDesign.Host.Security;
using AutoDesign.Host.Sweeps;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AutoDesign.Host.Api;

/// <summary><c>/api/sweeps</c>: scheduled re-profiling of models on a target, with the history of runs and drift.</summary>
internal static class SweepEndpoints
{
    public static void MapSweeps(this IEndpointRouteBuilder app)
    {
        var sweeps = app.MapGroup("/api/sweeps").WithTags("Sweeps");
        sweeps.MapPost("/", Create).Accepts<SweepSpec>("application/json").RequireAuthorization(ApiKeyAuthentication.MutatePolicy)
            .WithSummary("Schedule a sweep (cron, UTC) that rebuilds lut:NAME and predictor:NAME and flags latency drift.");
        sweeps.MapGet("/", async (SweepService service, CancellationToken cancellation) => TypedResults.Ok(await service.List(cancellation)))
            .WithSummary("The sweeps with their next time and last run.");
        sweeps.MapGet("/{id:guid}", Get).WithSummary("A sweep.");
        sweeps.MapPut("/{id:guid}", Update).Accepts<SweepSpec>("application/json").RequireAuthorization(ApiKeyAuthentication.MutatePolicy)
            .WithSummary("Change a sweep (the whole spec, validated as on create); it is rescheduled and keeps its runs.");
        sweeps.MapDelete("/{id:guid}", Delete).RequireAuthorization(ApiKeyAuthentication.MutatePolicy).WithSummary("Stop and delete a sweep with its runs.");
        sweeps.MapGet("/{id:guid}/runs", Runs).WithSummary("The sweep's runs, newest first: latency per model, change since the run before, drift.");
    }

    private static Task<Results<Created<SweepView>, ValidationProblem, ProblemHttpResult>> Create(
        HttpRequest request, SweepService service, IOptions<ServiceOptions> options, CancellationToken cancellation) =>
        WithSpec<Created<SweepView>>(request, options, cancellation, async spec =>
        {
            var sweep = await service.Create(spec, cancellation);
            return TypedResults.Created($"/api/sweeps/{sweep.Id}", sweep);
        });

    private static Task<Results<Ok<SweepView>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, HttpRequest request, SweepService service, IOptions<ServiceOptions> options, CancellationToken cancellation) =>
        WithSpec<Ok<SweepView>>(request, options, cancellation, async spec =>
            await service.Update(id, spec, cancellation) is { } sweep ? TypedResults.Ok(sweep) : NotFound(id));

    /// <summary>Reads the body as a sweep spec and runs the change; a too-large body or invalid fields become problem details.</summary>
    private static async Task<Results<TDone, ValidationProblem, ProblemHttpResult>> WithSpec<TDone>(
        HttpRequest request, IOptions<ServiceOptions> options, CancellationToken cancellation, Func<SweepSpec, Task<Results<TDone, ValidationProblem, ProblemHttpResult>>> change)
        where TDone : IResult
    {
        try
        {
            return await change(RequestJson.Parse<SweepSpec>(await BoundedBody.ReadText(request, options.Value.MaxSpecBytes, cancellation), "sweep", "sweep"));
        }
        catch (BoundedBody.TooLargeException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");
        }
        catch (InvalidSpecException e)
        {
            return TypedResults.ValidationProblem(e.ByField(), title: "The sweep is not valid");
        }
    }

    private static async Task<Results<Ok<SweepView>, ProblemHttpResult>> Get(Guid id, SweepService service, CancellationToken cancellation) =>
        await service.Get(id, cancellation) is { } sweep ? TypedResults.Ok(sweep) : NotFound(id);

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, SweepService service, CancellationToken cancellation) =>
        await service.Delete(id, cancellation) ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Results<Ok<IReadOnlyList<SweepRunView>>, ProblemHttpResult>> Runs(Guid id, SweepService service, CancellationToken cancellation) =>
        await service.Runs(id, cancellation) is { } runs ? TypedResults.Ok(runs) : NotFound(id);

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem($"there is no sweep {id}", statusCode: StatusCodes.Status404NotFound, title: "Sweep not found");
}
