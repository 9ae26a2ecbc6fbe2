using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.Host.Tests.Service;

public sealed class SweepTests() : ServiceTest("--AutoDesign:ReminderPeriod=00:00:01")
{
    private async Task<List<JsonElement>> WaitForRuns(string id, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var runs = (await Service.Client.GetFromJsonAsync<JsonElement>($"/api/sweeps/{id}/runs")).EnumerateArray().Where(r => r.TryGetProperty("finishedAt", out _)).ToList();
            if (runs.Count >= count) return runs;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {runs.Count} runs of sweep {id}");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task A_sweep_fires_on_its_schedule_rebuilds_its_table_and_flags_drift()
    {
        // A chip description the test can change between runs, as a firmware or clock change would.
        string chip = Path.Combine(Data.Root, "my-chip.json");
        File.WriteAllText(chip, File.ReadAllText(Path.Combine(HardwareTargets.PresetDirectory, "bitfusion.json")).Replace("\"name\": \"bitfusion\"", "\"name\": \"my-chip\""));
        var spec = new { name = "my-chip-lut", cron = "*/2 * * * * *", target = $"analytic:{chip}", models = new[] { "lenet5" }, variants = 1, driftThreshold = 0.2 };

        var created = await Service.Client.PostAsJsonAsync("/api/sweeps", spec);

        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        string id = (await created.Json()).GetProperty("id").GetString()!;
        var first = (await WaitForRuns(id, 1))[0];
        Assert.True(first.GetProperty("succeeded").GetBoolean(), first.ToString());
        Assert.False(first.GetProperty("drifted").GetBoolean());
        double before = first.GetProperty("latencyMs").GetProperty("lenet5").GetDouble();
        var lenet = ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10);
        var table = HardwareTargets.Resolve("lut:my-chip-lut", new DataFolder(Data.Root));
        Assert.Equal(before, table.Measure(lenet).Latency.Value, 9);

        File.WriteAllText(chip, File.ReadAllText(chip).Replace("\"frequencyMegahertz\": 500", "\"frequencyMegahertz\": 125").Replace("\"dramGigabytesPerSecond\": 12.8", "\"dramGigabytesPerSecond\": 3.2"));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        JsonElement? slower = null;
        while (slower is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            slower = (await WaitForRuns(id, 2)).Cast<JsonElement?>().LastOrDefault(r => r!.Value.GetProperty("latencyMs").GetProperty("lenet5").GetDouble() > 1.2 * before);
        }
        Assert.NotNull(slower); // the first run to see the slower chip (runs come newest first) flags it
        Assert.True(slower.Value.GetProperty("drifted").GetBoolean(), slower.ToString());
        Assert.True(slower.Value.GetProperty("change").GetProperty("lenet5").GetDouble() > 0.2);
        Assert.True(HardwareTargets.Resolve("lut:my-chip-lut", new DataFolder(Data.Root)).Measure(lenet).Latency.Value > 1.2 * before);

        Assert.Equal(HttpStatusCode.NoContent, (await Service.Client.DeleteAsync($"/api/sweeps/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Service.Client.GetAsync($"/api/sweeps/{id}/runs")).StatusCode);
    }

    [Theory]
    [InlineData("{\"name\":\"a\",\"cron\":\"every day\",\"target\":\"bitfusion\",\"models\":[\"lenet5\"]}", "cron")]
    [InlineData("{\"name\":\"a\",\"cron\":\"0 3 * * *\",\"target\":\"tpu-v9\",\"models\":[\"lenet5\"]}", "target")]
    [InlineData("{\"name\":\"a\",\"cron\":\"0 3 * * *\",\"target\":\"bitfusion\",\"models\":[]}", "models")]
    [InlineData("{\"name\":\"a\",\"cron\":\"0 3 * * *\",\"target\":\"bitfusion\",\"models\":[\"lenet5\",\"lenet7\"]}", "models[1]")]
    [InlineData("{\"name\":\"a/b\",\"cron\":\"0 3 * * *\",\"target\":\"bitfusion\",\"models\":[\"lenet5\"]}", "name")]
    [InlineData("{\"name\":\"a\",\"cron\":\"0 3 * * *\",\"target\":\"bitfusion\",\"models\":[\"lenet5\"],\"every\":3}", "every")]
    public async Task A_bad_sweep_gets_a_400_naming_the_field(string body, string field)
    {
        var response = await Service.Client.PostAsync("/api/sweeps", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Json()).GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
        Assert.Empty((await Service.Client.GetFromJsonAsync<JsonElement>("/api/sweeps")).EnumerateArray());
    }

    [Fact]
    public async Task An_edited_sweep_keeps_its_id_and_is_rescheduled_and_a_bad_edit_changes_nothing()
    {
        static StringContent Body(string cron) => new($"{{\"name\":\"edit-me\",\"cron\":\"{cron}\",\"target\":\"bitfusion\",\"models\":[\"lenet5\"]}}",
            System.Text.Encoding.UTF8, "application/json");
        var created = await (await Service.Client.PostAsync("/api/sweeps", Body("0 3 * * *"))).Json();
        string id = created.GetProperty("id").GetString()!;

        var bad = await Service.Client.PutAsync($"/api/sweeps/{id}", Body("every day"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Json()).GetProperty("errors").TryGetProperty("cron", out _));
        Assert.Equal("0 3 * * *", (await Service.Client.GetFromJsonAsync<JsonElement>($"/api/sweeps/{id}")).GetProperty("cron").GetString());

        var edited = await Service.Client.PutAsync($"/api/sweeps/{id}", Body("30 4 * * *"));
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var sweep = await Service.Client.GetFromJsonAsync<JsonElement>($"/api/sweeps/{id}");
        Assert.Equal("30 4 * * *", sweep.GetProperty("cron").GetString());
        Assert.Equal(30, sweep.GetProperty("nextRunAt").GetDateTime().Minute);
        Assert.Equal(HttpStatusCode.NotFound, (await Service.Client.PutAsync($"/api/sweeps/{Guid.NewGuid()}", Body("0 3 * * *"))).StatusCode);
    }
}
