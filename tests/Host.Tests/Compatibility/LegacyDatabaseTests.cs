using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoDesign.Host.Security;
using AutoDesign.Host.Tests.Service;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutoDesign.Host.Tests.Compatibility;

/// <summary>
/// A data folder written by the service before jobs were kept as plans (Legacy/README.md says how it was made): its
/// database, base model, table and super-network, and what the old API answered. The service of today must read it:
/// every job, candidate, front and sweep as it was served, the exports, and the job that was killed mid-run resumed.
/// </summary>
public sealed class LegacyDatabaseTests : IAsyncLifetime
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Compatibility", "Legacy");

    private readonly TestDataFolder _data = new();
    private TestService _service = null!;
    private Dictionary<string, string> _ids = null!;

    public async Task InitializeAsync()
    {
        CopyDirectory(Path.Combine(Fixture, "data"), _data.Root);
        await using (var packed = File.OpenRead(Path.Combine(Fixture, "data", "autodesign.db.gz")))
        await using (var gzip = new GZipStream(packed, CompressionMode.Decompress))
        await using (var database = File.Create(Path.Combine(_data.Root, "autodesign.db")))
            await gzip.CopyToAsync(database);
        File.Delete(Path.Combine(_data.Root, "autodesign.db.gz"));
        _ids = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(Fixture, "expected", "ids.json")))!;
        _service = await TestService.Start(_data.Root, "--AutoDesign:ReminderPeriod=00:00:02");
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Every_job_candidate_front_and_sweep_reads_as_the_old_service_served_it()
    {
        foreach (string name in new[] { "prune", "quantize", "nas-table", "nas-supernet", "uniform", "cancelled" })
        {
            string id = _ids[name];
            await Same($"{name}.job.json", $"/api/jobs/{id}");
            await Same($"{name}.candidates.json", $"/api/jobs/{id}/candidates?limit=1000");
            await Same($"{name}.pareto.json", $"/api/jobs/{id}/pareto");
        }
        await Same("sweeps.json", "/api/sweeps");

        var keys = await new ApiKeys(_service.Services.GetRequiredService<IDbContextFactory<AutoDesignDb>>()).List();
        Assert.Equal(["legacy"], keys.Select(k => k.Name));
    }

    [Fact]
    public async Task A_job_stored_before_plans_exports_and_profiles_from_its_spec()
    {
        var onnx = await _service.Client.GetAsync($"/api/jobs/{_ids["prune"]}/export?format=onnx"); // the best network comes from the shared store
        Assert.True(onnx.StatusCode == HttpStatusCode.OK, await onnx.Content.ReadAsStringAsync());
        var candidate = await _service.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{_ids["prune"]}/export?candidate=1&format=json");
        Assert.Equal(1, candidate.GetProperty("candidate").GetProperty("index").GetInt32());
        var layers = await _service.Client.GetAsync($"/api/jobs/{_ids["nas-supernet"]}/candidates/0/layers?target=bitfusion");
        Assert.True(layers.StatusCode == HttpStatusCode.OK, await layers.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await _service.Client.GetAsync($"/api/jobs/{_ids["nas-table"]}/candidates/0/layers")).StatusCode);
    }

    [Fact]
    public async Task The_job_killed_mid_run_resumes_from_its_journal_keeps_what_it_had_and_finds_its_cached_base_model()
    {
        string id = _ids["interrupted"];
        var job = await _service.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(4));
        Assert.True(job.Status() == "completed", job.ToString());

        var after = (await _service.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates?limit=1000")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 12), after.Select(c => c.GetProperty("index").GetInt32()));
        var before = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Fixture, "expected", "interrupted.candidates.json"))).RootElement.GetProperty("items");
        Assert.True(before.GetArrayLength() >= 4);
        foreach (var earlier in before.EnumerateArray()) // what the old service recorded is kept as it was
            JsonSubset.AssertWithin(earlier, after[earlier.GetProperty("index").GetInt32()], $"candidate {earlier.GetProperty("index")}");

        // The model cache is keyed by the network's hash: the old service's base model was found, not trained again.
        Assert.Equal(["lenet5__mnist__2be947a17cb6"], Directory.GetDirectories(Path.Combine(_data.Root, "models")).Select(Path.GetFileName));
    }

    private async Task Same(string expectedFile, string path)
    {
        var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Fixture, "expected", expectedFile))).RootElement;
        var actual = await _service.Client.GetFromJsonAsync<JsonElement>(path);
        JsonSubset.AssertWithin(expected, actual, path);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}

/// <summary>JSON the old service wrote, found unchanged in what the new one writes (which may add fields).</summary>
internal static class JsonSubset
{
    public static void AssertWithin(JsonElement expected, JsonElement actual, string path)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.True(actual.ValueKind == JsonValueKind.Object, $"{path}: {actual} is not an object");
                foreach (var property in expected.EnumerateObject())
                {
                    Assert.True(actual.TryGetProperty(property.Name, out var value), $"{path}.{property.Name} is missing");
                    AssertWithin(property.Value, value, $"{path}.{property.Name}");
                }
                break;
            case JsonValueKind.Array:
                Assert.True(actual.ValueKind == JsonValueKind.Array && actual.GetArrayLength() == expected.GetArrayLength(), $"{path}: {actual} differs in length");
                for (int i = 0; i < expected.GetArrayLength(); i++) AssertWithin(expected[i], actual[i], $"{path}[{i}]");
                break;
            case JsonValueKind.Number:
                Assert.True(actual.ValueKind == JsonValueKind.Number && actual.GetDouble() == expected.GetDouble(), $"{path}: {actual} instead of {expected}");
                break;
            case JsonValueKind.String:
                Assert.True(actual.ValueKind == JsonValueKind.String && actual.GetString() == expected.GetString(), $"{path}: {actual} instead of {expected}");
                break;
            default:
                Assert.True(actual.ValueKind == expected.ValueKind, $"{path}: {actual} instead of {expected}");
                break;
        }
    }
}
