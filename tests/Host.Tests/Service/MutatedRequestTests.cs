using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutoDesign.Host.Tests.Service;

/// <summary>
/// Thousands of mutated job specs, sweep bodies and uploads, from a seeded generator, thrown at the service: none gets a
/// 5xx, every 400 names a field, and a refused request leaves the database as it was.
/// </summary>
public sealed class MutatedRequestTests : ServiceTest
{
    private const int Seed = 20261201;

    private static readonly string[] JobSpecs =
    [
        JobApi.PruneSpec(8),
        """{"kind":"quantize","model":"lenet5","dataset":"mnist","agent":"ddpg","constraint":{"metric":"latency","target":"bitfusion","ratio":0.5},"budget":{"episodes":6,"warmupEpisodes":2},"quantization":{"reportTargets":["gpu-a100"]},"seed":1}""",
        """{"kind":"nas","space":{"type":"table","path":"bench.csv","decisions":["e0","e1"],"objective":"acc"},"agent":"evolution","evolution":{"population":4},"constraint":{"metric":"lat","max":5},"budget":{"evaluations":5},"seed":3}""",
    ];

    private const string Sweep = """{"name":"lut-a","cron":"0 3 1 1 *","target":"bitfusion","models":["lenet5"],"variants":1,"driftThreshold":0.2}""";

    private const string UploadSpec = """{"name":"u","input":{"channels":1,"height":28,"width":28},"classes":10,"layers":[{"name":"c","op":"conv","out":4,"kernel":3,"activation":"relu"},{"name":"p","op":"max-pool","kernel":2,"stride":2},{"name":"fc","op":"linear","out":10}]}""";

    private static readonly JsonNode?[] Values =
    [
        null, "", "x", "NaN", "Infinity", "-Infinity", "1e999", -1, 0, 1, 0.5, 2147483648L, -2147483649L, 1e300, true, false,
        new JsonArray(), new JsonObject(), new JsonArray(1, "a"), new JsonObject { ["a"] = 1 },
        "/etc/passwd", "/dev/zero", "../../../etc/shadow", "idx:/etc", "cifar10:/proc/self", "analytic:/dev/zero", "lut:../../x.json",
        "upload:../../models", "predictor:../../x", "lenet5", "resnet-50", "vgg-small-w1000", "mnist", "ddpg", "random", "flops", "latency",
        new string('a', 5_000), "\u0000", "ü∂\uD83D\uDE00",
    ];

    [Fact]
    public async Task Mutated_job_specs_sweeps_and_uploads_get_4xx_naming_a_field_and_change_nothing_when_refused()
    {
        await File.WriteAllLinesAsync(Path.Combine(Data.Root, "bench.csv"), ["e0,e1,acc,lat", "1,1,0.5,2", "1,2,0.6,3", "2,1,0.7,4", "2,2,0.8,6"]);
        var random = new Random(Seed);
        var counts = new Dictionary<HttpStatusCode, int>();
        for (int i = 0; i < 2_400; i++)
        {
            string what = (i % 8) switch { < 6 => "job", 6 => "sweep", _ => "upload" };
            string original = what switch { "job" => JobSpecs[random.Next(JobSpecs.Length)], "sweep" => Sweep, _ => UploadSpec };
            string body = Mutate(original, random);
            string before = await Snapshot();

            var response = what switch
            {
                "job" => await Post("/api/jobs", body),
                "sweep" => await Post("/api/sweeps", body),
                _ => await Upload($"m{i}", random.Next(4) == 0 ? Values[random.Next(Values.Length)]?.ToString() ?? "" : "mnist", body),
            };
            int status = (int)response.StatusCode;
            counts[response.StatusCode] = counts.GetValueOrDefault(response.StatusCode) + 1;
            string text = await response.Content.ReadAsStringAsync();
            string context = $"seed {Seed}, request {i} ({what}): {body}\n-> {status} {text}";

            Assert.True(status < 500, context);
            if (status >= 400)
            {
                Assert.Equal(before, await Snapshot());
                if (status == 400)
                {
                    var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
                    Assert.True(errors.EnumerateObject().Any(e => e.Name.Length > 0 && e.Value.EnumerateArray().All(r => r.GetString() is { Length: > 0 })), context);
                }
            }
            else await Undo(what, JsonDocument.Parse(text).RootElement);
        }
        Assert.True(counts.GetValueOrDefault(HttpStatusCode.BadRequest) > 1_000, string.Join(", ", counts)); // the generator mostly makes bad requests
    }

    private static string Mutate(string json, Random random)
    {
        if (random.Next(10) == 0) // broken text: cut short, or a character dropped in
            return random.Next(2) == 0 ? json[..random.Next(json.Length)] : json.Insert(random.Next(json.Length), ((char)random.Next(32, 127)).ToString());
        var root = JsonNode.Parse(json)!;
        for (int m = random.Next(1, 4); m > 0; m--)
        {
            var fields = Fields(root).ToList();
            var (parent, key) = fields[random.Next(fields.Count)];
            switch (random.Next(3))
            {
                case 0: Set(parent, key, Values[random.Next(Values.Length)]?.DeepClone()); break;
                case 1 when parent is JsonObject obj: obj.Remove(key); break;
                default: if (parent is JsonObject target) target[$"extra{random.Next(3)}"] = Values[random.Next(Values.Length)]?.DeepClone(); break;
            }
        }
        return root.ToJsonString();
    }

    private static IEnumerable<(JsonNode Parent, string Key)> Fields(JsonNode node)
    {
        if (node is JsonObject obj)
            foreach (var (key, value) in obj.ToList())
            {
                yield return (obj, key);
                if (value is not null) foreach (var inner in Fields(value)) yield return inner;
            }
        else if (node is JsonArray array)
            for (int i = 0; i < array.Count; i++)
            {
                yield return (array, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (array[i] is { } item) foreach (var inner in Fields(item)) yield return inner;
            }
    }

    private static void Set(JsonNode parent, string key, JsonNode? value)
    {
        if (parent is JsonObject obj) obj[key] = value;
        else if (parent is JsonArray array) array[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)] = value;
    }

    private Task<HttpResponseMessage> Post(string path, string body) =>
        Service.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private async Task<HttpResponseMessage> Upload(string name, string dataset, string spec)
    {
        using var form = new MultipartFormDataContent { { new StringContent(name), "name" }, { new StringContent(dataset), "dataset" } };
        form.Add(new StringContent(spec), "spec", "spec.json");
        return await Service.Client.PostAsync("/api/models", form);
    }

    /// <summary>Takes an accepted job or sweep back out of the way (a job cancelled, a sweep deleted); an upload stays.</summary>
    private async Task Undo(string what, JsonElement created)
    {
        if (what == "upload") return;
        string id = created.GetProperty("id").GetString()!;
        if (what == "sweep") { await Service.Client.DeleteAsync($"/api/sweeps/{id}"); return; }
        await Service.Client.PostAsync($"/api/jobs/{id}/cancel", null);
        await Service.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(2));
    }

    /// <summary>What a request could have added or changed: the jobs and what they were submitted as, the sweeps, the keys, the uploads.</summary>
    private async Task<string> Snapshot()
    {
        await using var db = await Service.Services.GetRequiredService<IDbContextFactory<AutoDesignDb>>().CreateDbContextAsync();
        var jobs = await db.Jobs.AsNoTracking().OrderBy(j => j.Id).Select(j => new { j.Id, j.Spec, j.Plan }).ToListAsync();
        var sweeps = await db.Sweeps.AsNoTracking().OrderBy(s => s.Id).ToListAsync();
        int keys = await db.ApiKeys.CountAsync();
        string uploads = Path.Combine(Data.Root, "models", "uploads");
        var uploaded = Directory.Exists(uploads) ? Directory.GetFileSystemEntries(uploads).Order().ToArray() : [];
        return JsonSerializer.Serialize(new { jobs, sweeps, keys, uploaded });
    }
}
