using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Host.Tests.Service;

/// <summary>A training job through the service: data-parallel over two silo processes on PostgreSQL, one of them killed mid-run.</summary>
public sealed class TrainingJobTests : IDisposable
{
    // Each silo has a data folder of its own, as silos on separate machines would; they share the database.
    private readonly TestDataFolder _a = new(), _b = new();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private const string Spec = """
        {"kind":"train","model":"lenet5","dataset":"mnist","agent":"dgc","workers":2,"training":{"epochs":5,"trainLimit":6000,"batchSize":64,"augment":false},"compression":{"density":0.01,"warmupEpochs":1},"seed":4}
        """;

    [Fact]
    public async Task A_training_job_over_two_silos_records_each_epoch_with_its_bytes_and_when_its_silo_is_killed_the_other_finishes_the_same_steps()
    {
        using var postgres = new PrivatePostgres();
        string[] cluster = ["--database", postgres.ConnectionString("autodesign"), "--AutoDesign:ReminderPeriod=00:00:02"];
        using var a = await SiloProcess.Start(_a.Root, cluster);
        using var b = await SiloProcess.Start(_b.Root, cluster);

        for (var clock = System.Diagnostics.Stopwatch.StartNew(); (await a.Client.GetFromJsonAsync<JsonElement>("/api/silos")).GetArrayLength() < 2; await Task.Delay(500))
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "the second silo did not join");
        string id = (await a.Client.Submit(Spec)).Body.GetProperty("id").GetString()!;
        var running = await a.Client.WaitFor(id, j => j.Candidates() >= 1, TimeSpan.FromMinutes(4));
        var first = (await Epochs(a.Client, id))[0];
        Assert.Equal(2, first.GetProperty("metrics").GetProperty("workers").GetDouble()); // both silos trained it
        string owner = running.GetProperty("silo").GetString()!;
        var (victim, survivor) = await Owns(a, owner) ? (a, b) : (b, a);
        await victim.Kill(); // the job's silo: its exchange, its progress and worker 0 go with it

        JsonElement finished;
        try { finished = await survivor.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(4)); }
        catch (TimeoutException e) { throw new TimeoutException($"{e.Message}\n--- survivor:\n{survivor.Log}", e); }
        Assert.True(finished.Status() == "completed", $"{finished}\n{survivor.Log}");
        Assert.NotEqual(owner, finished.GetProperty("silo").GetString());
        Assert.True(finished.GetProperty("trains").GetBoolean());

        var epochs = await Epochs(survivor.Client, id);
        var indices = epochs.Select(e => e.GetProperty("index").GetInt32()).ToList();
        Assert.Equal(0, indices[0]);
        Assert.Equal(4, indices[^1]); // the run went on to its last epoch (one that ended just as the silo died may lack its record)
        Assert.Equal(indices.Order().Distinct(), indices);
        Assert.All(epochs, e => Assert.Equal((6_000 + 63) / 64, e.GetProperty("metrics").GetProperty("steps").GetDouble())); // the same steps in every epoch
        Assert.Equal(1, epochs[^1].GetProperty("metrics").GetProperty("workers").GetDouble()); // the survivor alone after the loss
        Assert.All(epochs.Skip(1), e => Assert.True(e.GetProperty("metrics").GetProperty("compressionRatio").GetDouble() > 10, e.ToString())); // at 1 % after the warm-up

        var best = finished.GetProperty("result").GetProperty("best");
        Assert.True(best.GetProperty("testAccuracy").GetDouble() > 0.5, best.ToString());
        var onnx = await survivor.Client.GetAsync($"/api/jobs/{id}/export?format=onnx");
        Assert.True(onnx.IsSuccessStatusCode, await onnx.Content.ReadAsStringAsync());
        Assert.False(Directory.Exists(Path.Combine(survivor == a ? _a.Root : _b.Root, "training", id.Replace("-", ""))), "the completed run's checkpoints are deleted");
    }

    private static async Task<List<JsonElement>> Epochs(HttpClient client, string id) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates?limit=1000")).GetProperty("items").EnumerateArray().ToList();

    private static async Task<bool> Owns(SiloProcess silo, string owner) =>
        (await silo.Client.GetFromJsonAsync<JsonElement>("/api/silo")).GetProperty("name").GetString() == owner;
}
