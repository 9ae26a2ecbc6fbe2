using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using AutoDesign.Host.Jobs;

namespace AutoDesign.Host.Api;

/// <summary>
/// <c>GET /api/jobs/{id}/events</c>: live progress as server-sent events, read from the database — a <c>candidate</c>
/// event per evaluated candidate (its id is the candidate's index, so a reconnecting client sends Last-Event-ID and
/// misses nothing) and a <c>status</c> event whenever the job's status or progress changes; the stream ends when the
/// job has finished.
/// </summary>
internal static class JobEvents
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static void MapJobEvents(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/jobs/{id:guid}/events", async (Guid id, HttpRequest request, JobService jobs, CancellationToken cancellation) =>
            {
                if (await jobs.Get(id, cancellation) is null)
                    return Results.Problem($"there is no job {id}", statusCode: StatusCodes.Status404NotFound, title: "Job not found");
                int next = int.TryParse(request.Headers["Last-Event-ID"], out int last) ? last + 1 : 0;
                return TypedResults.ServerSentEvents(Stream(id, next, jobs, cancellation));
            })
            .WithTags("Jobs")
            .WithSummary("Live progress as server-sent events: candidate and status events until the job finishes.");

    private static async IAsyncEnumerable<SseItem<object>> Stream(Guid id, int next, JobService jobs, [EnumeratorCancellation] CancellationToken cancellation)
    {
        string? lastStatus = null;
        while (!cancellation.IsCancellationRequested)
        {
            var page = await jobs.Candidates(id, next, JobService.MaxPageSize, cancellation);
            foreach (var candidate in page?.Items ?? [])
            {
                yield return new SseItem<object>(candidate, "candidate") { EventId = candidate.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                next = candidate.Index + 1;
            }
            var job = await jobs.Get(id, cancellation);
            if (job is null) yield break;
            var status = new { job.Status, job.Progress, job.BestAccuracy, job.Error };
            string key = $"{job.Status}/{job.Progress.Candidates}";
            if (key != lastStatus)
            {
                yield return new SseItem<object>(status, "status");
                lastStatus = key;
            }
            if (job.Status is "completed" or "failed" or "cancelled" && job.Progress.Candidates <= next) yield break;
            await Task.Delay(PollInterval, cancellation);
        }
    }
}
