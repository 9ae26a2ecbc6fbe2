using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Host.Tests.Service;

public sealed class KilledSiloTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_job_whose_silo_is_killed_resumes_after_a_restart_with_no_candidate_lost_or_repeated()
    {
        const int episodes = 40;
        List<JsonElement> before;
        string id;
        using (var first = await SiloProcess.Start(_data.Root))
        {
            var (_, submitted) = await first.Client.Submit(JobApi.PruneSpec(episodes));
            id = submitted.GetProperty("id").GetString()!;
            await first.Client.WaitFor(id, j => j.Candidates() >= 3, TimeSpan.FromMinutes(4));
            before = (await first.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates?limit=1000")).GetProperty("items").EnumerateArray().ToList();
            await first.Kill();
        }
        Assert.InRange(before.Count, 3, episodes - 1);

        using var second = await SiloProcess.Start(_data.Root);
        var job = await second.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(5));
        Assert.True(job.Status() == "completed", $"{job}\n{second.Log}");
        var after = (await second.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates?limit=1000")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, episodes), after.Select(c => c.GetProperty("index").GetInt32()));
        foreach (var earlier in before) // what was recorded before the kill is kept as it was
            Assert.Equal(earlier.ToString(), after[earlier.GetProperty("index").GetInt32()].ToString());
    }
}
