using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Host.Tests.Service;

public sealed class ClusterTests : IDisposable
{
    // Each silo has a data folder of its own, as silos on separate machines would; they share the database.
    private readonly TestDataFolder _a = new(), _b = new();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    public async Task Two_silos_on_one_PostgreSQL_database_share_jobs_evaluations_and_devices_and_one_carries_on_the_others_when_it_is_killed()
    {
        using var postgres = new PrivatePostgres();
        string[] cluster = ["--database", postgres.ConnectionString("autodesign"), "--AutoDesign:ReminderPeriod=00:00:02"];
        using var a = await SiloProcess.Start(_a.Root, cluster);
        using var b = await SiloProcess.Start(_b.Root, cluster);

        var silos = await a.Client.GetFromJsonAsync<JsonElement>("/api/silos");
        Assert.Equal(2, silos.GetArrayLength());
        var devices = await a.Client.GetFromJsonAsync<JsonElement>("/api/devices");
        Assert.Equal(2, devices.EnumerateArray().Select(d => d.GetProperty("silo").GetString()).Distinct().Count());

        string nameOfB = (await b.Client.GetFromJsonAsync<JsonElement>("/api/silo")).GetProperty("name").GetString()!;
        var profile = await a.Client.GetFromJsonAsync<JsonElement>($"/api/targets/torchsharp-cpu/profile?model=lenet5&dataset=mnist&silo={Uri.EscapeDataString(nameOfB)}");
        Assert.Equal(nameOfB, profile.GetProperty("measuredOn").GetString()); // asked through a, measured on b's device

        var ids = new List<string>();
        for (int i = 0; i < 12; i++) ids.Add((await a.Client.Submit(JobApi.PruneSpec(episodes: 4, batch: 2))).Body.GetProperty("id").GetString()!);
        var done = new List<JsonElement>();
        foreach (var id in ids) done.Add(await b.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(5)));
        Assert.All(done, j => Assert.Equal("completed", j.Status()));
        Assert.Equal(2, done.Select(j => j.GetProperty("silo").GetString()).Distinct().Count()); // jobs ran on both silos
        foreach (var id in ids)
        {
            var evaluatedOn = (await a.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates")).GetProperty("items").EnumerateArray()
                .Select(c => c.GetProperty("evaluatedOn").GetString()).Distinct().ToList();
            Assert.Equal(2, evaluatedOn.Count); // each job's candidates were scored by both silos' workers
        }

        // The best network was saved by the silo that ran the job; the other exports it from the shared store.
        var firstJob = done[0];
        var exporter = await Owns(a, firstJob.GetProperty("silo").GetString()!) ? b : a;
        var onnx = await exporter.Client.GetAsync($"/api/jobs/{ids[0]}/export?format=onnx");
        Assert.True(onnx.IsSuccessStatusCode, await onnx.Content.ReadAsStringAsync());

        // A long job on whichever silo takes it; kill that silo, and the other takes the job over from its journal.
        string longJob = (await a.Client.Submit(JobApi.PruneSpec(episodes: 60))).Body.GetProperty("id").GetString()!;
        var running = await a.Client.WaitFor(longJob, j => j.Candidates() >= 3, TimeSpan.FromMinutes(4));
        string owner = running.GetProperty("silo").GetString()!;
        var (victim, survivor) = await Owns(a, owner) ? (a, b) : (b, a);
        await victim.Kill();

        JsonElement finished;
        try { finished = await survivor.Client.WaitFor(longJob, j => j.IsFinished(), TimeSpan.FromMinutes(3)); }
        catch (TimeoutException e) { throw new TimeoutException($"{e.Message}\n--- survivor:\n{survivor.Log}", e); }
        Assert.True(finished.Status() == "completed", $"{finished}\n{survivor.Log}");
        Assert.NotEqual(owner, finished.GetProperty("silo").GetString());
        var candidates = (await survivor.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{longJob}/candidates?limit=1000")).GetProperty("items").EnumerateArray();
        Assert.Equal(Enumerable.Range(0, 60), candidates.Select(c => c.GetProperty("index").GetInt32()));
    }

    private static async Task<bool> Owns(SiloProcess silo, string owner) =>
        (await silo.Client.GetFromJsonAsync<JsonElement>("/api/silo")).GetProperty("name").GetString() == owner;
}
