using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Host.Tests.Service;

public sealed class LoadTests : ServiceTest
{
    [Fact]
    public async Task A_hundred_concurrent_submissions_are_all_answered_and_none_is_lost()
    {
        var submissions = Enumerable.Range(0, 100).Select(i => Service.Client.Submit(JobApi.PruneSpec(episodes: 10 + i))).ToList();
        var answers = await Task.WhenAll(submissions);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.Response.StatusCode));
        var ids = answers.Select(a => a.Body.GetProperty("id").GetString()).ToHashSet();
        Assert.Equal(100, ids.Count);
        var listed = await Service.Client.GetFromJsonAsync<JsonElement>("/api/jobs?limit=1000");
        Assert.Equal(100, listed.GetProperty("total").GetInt32());
        Assert.Equal(ids, listed.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetString()).ToHashSet());
        var episodes = listed.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("progress").GetProperty("episodes").GetInt32()).Order();
        Assert.Equal(Enumerable.Range(10, 100), episodes); // each stored with its own spec
    }
}
