using AutoDesign.Storage;
using AutoDesign.Contracts;
using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.Search.Jobs;
using AutoDesign.Host.Export;
using AutoDesign.Host.Hosting;
using AutoDesign.Host.Jobs;
using AutoDesign.Host.Profiling;
using AutoDesign.Host.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AutoDesign.Host.Api;

/// <summary><c>/api/jobs</c>: submit a job spec, list and read jobs, page through candidates, read the Pareto front, cancel.</summary>
internal static class JobEndpoints
{
    public static void MapJobs(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs").WithTags("Jobs");
        jobs.MapPost("/", Submit)
            .Accepts<JobSpec>("application/json")
            .RequireAuthorization(ApiKeyAuthentication.MutatePolicy)
            .WithSummary("Submit a job spec (as autodesign run reads it); 202 with the job, its id and Location.");
        jobs.MapGet("/", List).WithSummary("Jobs, newest first, optionally of one status.");
        jobs.MapGet("/{id:guid}", Get).WithName("GetJob").WithSummary("A job: status, progress, best so far, and its result once completed.");
        jobs.MapGet("/{id:guid}/candidates", Candidates).WithSummary("The job's evaluated candidates in order, a page at a time.");
        jobs.MapGet("/{id:guid}/candidates/{index:int}/layers", Layers).Expensive()
            .WithSummary("A candidate's network layer by layer: shapes, its policy (channels or bits) and latency on ?target= (default: the job's).");
        jobs.MapGet("/{id:guid}/pareto", Pareto).WithSummary("The current Pareto front of accuracy against the constrained cost.");
        jobs.MapPost("/{id:guid}/cancel", Cancel).RequireAuthorization(ApiKeyAuthentication.MutatePolicy).WithSummary("Cancel a queued or running job.");
        jobs.MapPost("/{id:guid}/resume", Resume).RequireAuthorization(ApiKeyAuthentication.MutatePolicy)
            .WithSummary("Queue a failed job again; it resumes from its journal (e.g. after a storage fault that has passed).");
        jobs.MapGet("/{id:guid}/export", Export).Expensive()
            .WithSummary("Download a candidate (default: the best) as onnx, json or weights; candidates other than the best come as json.");
    }

    private static async Task<Results<Accepted<JobView>, ValidationProblem, ProblemHttpResult>> Submit(
        HttpRequest request, JobService service, IOptions<ServiceOptions> options, LinkGenerator links, CancellationToken cancellation)
    {
        try
        {
            string body = await BoundedBody.ReadText(request, options.Value.MaxSpecBytes, cancellation);
            var job = await service.Submit(body, cancellation);
            return TypedResults.Accepted(links.GetPathByName("GetJob", new { id = job.Id }), job);
        }
        catch (BoundedBody.TooLargeException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");
        }
        catch (InvalidSpecException e)
        {
            return TypedResults.ValidationProblem(e.ByField(), title: "The job spec is not valid");
        }
        catch (QueueFullException e)
        {
            request.HttpContext.Response.Headers.RetryAfter = QueueFullException.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Job queue full");
        }
    }

    private static async Task<Results<Ok<Page<JobView>>, ValidationProblem>> List(
        JobService service, string? status, int? offset, int? limit, CancellationToken cancellation)
    {
        JobStatus? filter = null;
        if (status is not null)
        {
            if (!Enum.TryParse<JobStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
                return Invalid("status", $"'{status}' is not one of {string.Join(", ", Enum.GetNames<JobStatus>().Select(n => n.ToLowerInvariant()))}");
            filter = parsed;
        }
        if (PageProblem(offset, limit) is { } problem) return problem;
        return TypedResults.Ok(await service.List(filter, offset ?? 0, limit ?? 50, cancellation));
    }

    private static async Task<Results<Ok<JobView>, ProblemHttpResult>> Get(Guid id, JobService service, CancellationToken cancellation) =>
        await service.Get(id, cancellation) is { } job ? TypedResults.Ok(job) : NotFound(id);

    private static async Task<Results<Ok<Page<CandidateResult>>, ValidationProblem, ProblemHttpResult>> Candidates(
        Guid id, JobService service, int? offset, int? limit, CancellationToken cancellation)
    {
        if (PageProblem(offset, limit) is { } problem) return problem;
        return await service.Candidates(id, offset ?? 0, limit ?? 100, cancellation) is { } page ? TypedResults.Ok(page) : NotFound(id);
    }

    private static async Task<Results<Ok<CandidateLayers>, ValidationProblem, ProblemHttpResult>> Layers(
        Guid id, int index, string? target, JobService service, CandidateProfiles profiles, IOptions<ServiceOptions> options, CancellationToken cancellation)
    {
        var job = await service.Get(id, cancellation);
        if (job is null) return NotFound(id);
        if (!job.HasNetworks)
            return TypedResults.Problem("the candidates of this job are rows of a table, not networks",
                statusCode: StatusCodes.Status409Conflict, title: "No network to profile");
        target ??= job.Spec["constraint"]?["target"]?.GetValue<string>() ?? "torchsharp-cpu";
        try
        {
            return await profiles.Layers(id, index, target, cancellation) is { } layers
                ? TypedResults.Ok(layers)
                : TypedResults.Problem($"job {id} has no candidate {index}", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }
        catch (ArgumentException e) { return Invalid("target", e.Message); }
        catch (TimeoutException) { return ProfileEndpoints.ProfileTimedOut(options.Value.ProfileTimeout); }
        catch (Exception e) when (e is InvalidOperationException or InvalidSpecException)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "No network to profile");
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<ParetoPoint>>, ProblemHttpResult>> Pareto(Guid id, JobService service, CancellationToken cancellation) =>
        await service.Pareto(id, cancellation) is { } front ? TypedResults.Ok(front) : NotFound(id);

    private static async Task<Results<Accepted<JobView>, ProblemHttpResult>> Cancel(Guid id, JobService service, CancellationToken cancellation)
    {
        var outcome = await service.Cancel(id, cancellation);
        if (outcome == CancelOutcome.Unknown) return NotFound(id);
        var job = (await service.Get(id, cancellation))!;
        return outcome == CancelOutcome.Finished
            ? TypedResults.Problem($"job {id} has already {job.Status}", statusCode: StatusCodes.Status409Conflict, title: "Job already finished")
            : TypedResults.Accepted((string?)null, job);
    }

    private static async Task<Results<Accepted<JobView>, ProblemHttpResult>> Resume(Guid id, JobService service, CancellationToken cancellation)
    {
        var (job, resumed) = await service.Resume(id, cancellation);
        if (job is null) return NotFound(id);
        return resumed
            ? TypedResults.Accepted((string?)null, job)
            : TypedResults.Problem($"job {id} has {job.Status}; only a failed job can be resumed", statusCode: StatusCodes.Status409Conflict, title: "Job cannot be resumed");
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> Export(
        Guid id, int? candidate, string? format, JobExport export, CancellationToken cancellation)
    {
        format ??= "onnx";
        if (!ModelExport.Formats.Contains(format)) return Invalid("format", $"'{format}' is not one of {string.Join(", ", ModelExport.Formats)}");
        if (candidate < 0) return Invalid("candidate", "must be 0 or more");
        return await export.Export(id, candidate, format, cancellation) switch
        {
            ExportOutcome.File file => TypedResults.File(file.Bytes, file.ContentType, file.FileName),
            ExportOutcome.NotFound missing => TypedResults.Problem(missing.Reason, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
            ExportOutcome.Conflict conflict => TypedResults.Problem(conflict.Reason, statusCode: StatusCodes.Status409Conflict, title: "Cannot export that yet"),
            _ => throw new InvalidOperationException("unknown export outcome"),
        };
    }

    private static ValidationProblem? PageProblem(int? offset, int? limit)
    {
        if (offset < 0) return Invalid("offset", "must be 0 or more");
        if (limit is < 1 or > JobService.MaxPageSize) return Invalid("limit", $"must be between 1 and {JobService.MaxPageSize}");
        return null;
    }

    private static ValidationProblem Invalid(string field, string reason) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] });

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem($"there is no job {id}", statusCode: StatusCodes.Status404NotFound, title: "Job not found");
}
