using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Silo.Tests.Service;

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
}
