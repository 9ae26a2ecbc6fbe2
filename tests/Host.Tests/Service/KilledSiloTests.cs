using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Host.Tests.Service;

public sealed class KilledSiloTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_job_whose_silo_is_killed_resumes_after_a_restart_and_ends_as_an_unbroken_run_of_it_does()
    {
        const int episodes = 24;
        string spec = JobApi.PruneSpec(episodes);
        List<JsonElement> before;
        string id;
        using (var first = await SiloProcess.Start(_data.Root))
        {
            var (_, submitted) = await first.Client.Submit(spec);
            id = submitted.GetProperty("id").GetString()!;
            await first.Client.WaitFor(id, j => j.Candidates() >= 6, TimeSpan.FromMinutes(4)); // past DDPG's warm-up: its networks have learnt
            before = await Candidates(first.Client, id);
            await first.Kill(); // SIGKILL: no shutdown, no flushing
        }
        Assert.InRange(before.Count, 6, episodes - 1);

        using var second = await SiloProcess.Start(_data.Root);
        var job = await second.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(5));
        Assert.True(job.Status() == "completed", $"{job}\n{second.Log}");
        var resumed = await Candidates(second.Client, id);
        Assert.Equal(Enumerable.Range(0, episodes), resumed.Select(c => c.GetProperty("index").GetInt32()));
        foreach (var earlier in before) // what was recorded before the kill is kept as it was
            Assert.Equal(earlier.ToString(), resumed[earlier.GetProperty("index").GetInt32()].ToString());

        // The same spec run without a break, on the same base model, proposes and scores exactly the same candidates.
        var (_, again) = await second.Client.Submit(spec);
        string unbrokenId = again.GetProperty("id").GetString()!;
        Assert.Equal("completed", (await second.Client.WaitFor(unbrokenId, j => j.IsFinished(), TimeSpan.FromMinutes(5))).Status());
        var unbroken = await Candidates(second.Client, unbrokenId);
        Assert.Equal(unbroken.Select(Figures), resumed.Select(Figures));
        Assert.Equal(Timeless((await second.Client.Job(unbrokenId)).GetProperty("result").GetProperty("best")),
            Timeless(job.GetProperty("result").GetProperty("best")).Replace(id.Replace("-", ""), unbrokenId.Replace("-", "")));
    }

    /// <summary>The best design as JSON without how long its recovery took.</summary>
    private static string Timeless(JsonElement best)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(best.GetRawText())!.AsObject();
        node["recovered"]!.AsObject().Remove("seconds");
        return node.ToJsonString();
    }

    private static async Task<List<JsonElement>> Candidates(HttpClient client, string id) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates?limit=1000")).GetProperty("items").EnumerateArray().ToList();

    /// <summary>What the search decided and measured of a candidate (not where or when it was scored).</summary>
    private static string Figures(JsonElement candidate) =>
        string.Join(" ", candidate.GetProperty("index"), candidate.GetProperty("accuracy"), candidate.GetProperty("constrainedValue"),
            candidate.GetProperty("reward"), candidate.GetProperty("policy"));
}
