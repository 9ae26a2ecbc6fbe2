using AutoDesign.Cli.Tests;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Host.Tests.Service;

public sealed class NasJobTests : ServiceTest
{
    [Fact]
    public async Task An_architecture_search_over_a_table_runs_through_the_API_and_meets_its_constraint()
    {
        // 3 x 3 x 2 architectures; accuracy grows with every choice, and so does latency.
        string table = Path.Combine(Data.Root, "bench.csv");
        var rows = from a in new[] { 1, 2, 3 } from b in new[] { 1, 2, 3 } from c in new[] { 1, 2 }
                   select $"{a},{b},{c},{0.5 + 0.05 * (a + b + c)},{a * b + c}";
        await File.WriteAllLinesAsync(Path.Combine(table), ["e0,e1,e2,acc,lat", .. rows]);
        string spec = $$"""
            {"kind":"nas","space":{"type":"table","path":{{JsonSerializer.Serialize(table)}},"decisions":["e0","e1","e2"],"objective":"acc"},
             "agent":"evolution","evolution":{"population":6},"constraint":{"metric":"lat","max":5},"budget":{"evaluations":10},"seed":3}
            """;

        var (response, submitted) = await Service.Client.Submit(spec);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, submitted.ToString());
        string id = submitted.GetProperty("id").GetString()!;
        var job = await Service.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(2));

        Assert.True(job.Status() == "completed", job.ToString());
        var candidates = (await Service.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates?limit=1000")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(10, candidates.Count);
        Assert.Equal(10, candidates.Select(c => string.Join(",", c.GetProperty("policy").EnumerateArray().Select(p => p.GetProperty("choice").GetString()))).Distinct().Count());
        Assert.All(candidates, c => Assert.True(c.GetProperty("constrainedValue").GetDouble() <= 5));
        Assert.Equal(candidates.Max(c => c.GetProperty("accuracy").GetDouble()), job.GetProperty("result").GetProperty("best").GetProperty("accuracy").GetDouble());
    }

    [Fact]
    public async Task A_predictor_guided_supernet_search_runs_through_the_API_and_its_candidates_profile_layer_by_layer()
    {
        var train = await CliRunner.InProcess("supernet", "train", "--dataset", "mnist", "--name", "toy", "--layout", "tiny", "--train-limit", "128",
            "--full-epochs", "1", "--epochs-per-phase", "1", "--json", "--data-dir", Data.Root);
        Assert.True(train.ExitCode == 0, train.Stderr);
        string spec = """
            {"kind":"nas","supernet":"toy","agent":"evolution","evolution":{"population":4},"constraint":{"metric":"params","max":100000},
             "budget":{"evaluations":12},"predictor":{"confirm":2},"seed":1}
            """;
        var (refused, problem) = await Service.Client.Submit(spec);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("autodesign supernet sample", problem.GetProperty("errors").GetProperty("predictor")[0].GetString());
        var sample = await CliRunner.InProcess("supernet", "sample", "--supernet", "toy", "--count", "20", "--json", "--data-dir", Data.Root);
        Assert.True(sample.ExitCode == 0, sample.Stderr);

        var (response, submitted) = await Service.Client.Submit(spec);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, submitted.ToString());
        string id = submitted.GetProperty("id").GetString()!;
        var job = await Service.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(2));

        Assert.True(job.Status() == "completed", job.ToString());
        Assert.Equal(12, job.GetProperty("result").GetProperty("predicted").GetInt32());
        var candidates = (await Service.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, candidates.Count);
        var outside = await Service.Client.GetAsync($"/api/jobs/{id}/candidates/1/layers?target=analytic:%2Fetc%2Fpasswd");
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Contains("is not allowed", (await outside.Json()).GetProperty("errors").GetProperty("target")[0].GetString());
        var layers = await Service.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates/1/layers?target=bitfusion");
        Assert.Equal("bitfusion", layers.GetProperty("target").GetString());
        Assert.Equal(candidates[1].GetProperty("metrics").GetProperty("flops").GetDouble(),
            layers.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("macs").GetDouble()));
    }
}
