using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Host.Tests.Service;

public sealed class QueueLimitTests() : ServiceTest("--AutoDesign:MaxQueuedJobs=5")
{
    [Fact]
    public async Task Concurrent_submissions_never_queue_more_than_the_limit_and_the_rest_are_told_when_to_retry()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Service.Client.Submit(JobApi.PruneSpec(episodes: 10 + i))));

        var accepted = answers.Count(a => a.Response.StatusCode == HttpStatusCode.Accepted);
        var refused = answers.Where(a => a.Response.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.Equal(40, accepted + refused.Count);
        Assert.InRange(accepted, 5, 6); // five queued, and at most one that the one worker took out of the queue meanwhile
        Assert.All(refused, r => Assert.Equal(TimeSpan.FromSeconds(30), r.Response.Headers.RetryAfter?.Delta));
        var queued = await Service.Client.GetFromJsonAsync<JsonElement>("/api/jobs?status=queued");
        Assert.InRange(queued.GetProperty("total").GetInt32(), 4, 5);
    }

    [Fact]
    public async Task Cancelling_a_queued_job_cancels_it_at_once()
    {
        var (_, first) = await Service.Client.Submit(JobApi.PruneSpec(episodes: 40)); // occupies the one worker
        await Service.Client.WaitFor(first.GetProperty("id").GetString()!, j => j.Status() != "queued", TimeSpan.FromMinutes(1));
        var (_, second) = await Service.Client.Submit(JobApi.PruneSpec(episodes: 41));
        string id = second.GetProperty("id").GetString()!;

        var response = await Service.Client.PostAsync($"/api/jobs/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("cancelled", (await response.Json()).Status());
        Assert.Equal("cancelled", (await Service.Client.Job(id)).Status());
        await Service.Client.PostAsync($"/api/jobs/{first.GetProperty("id").GetString()}/cancel", null);
    }
}
