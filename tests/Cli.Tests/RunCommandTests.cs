namespace AutoDesign.Cli.Tests;

public sealed class RunCommandTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    private string WriteJob(string json)
    {
        string path = Path.Combine(_data.Root, "job.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task A_table_objective_in_percent_is_printed_as_the_table_gives_it()
    {
        string table = Path.Combine(_data.Root, "bench.csv");
        var rows = from a in new[] { 1, 2, 3 } from b in new[] { 1, 2, 3 } select $"{a},{b},{80 + 2.5 * (a + b)},{a * b}";
        await File.WriteAllLinesAsync(table, ["e0,e1,top1,lat", .. rows]);
        string job = WriteJob($$"""
            {"kind":"nas","space":{"type":"table","path":{{System.Text.Json.JsonSerializer.Serialize(table)}},"decisions":["e0","e1"],"objective":"top1"},
             "agent":"random","constraint":{"metric":"lat","max":4},"budget":{"evaluations":6},"seed":1}
            """);

        var outcome = await CliRunner.InProcess("run", job, "--out", Path.Combine(_data.Root, "table-result.json"), "--data-dir", _data.Root);

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Matches(@"validation top1 9\d(\.\d+)? \(base 9\d(\.\d+)?\)", outcome.Stdout); // 95, not 9,500.00 %
        Assert.DoesNotContain("%", outcome.Stdout);
        Assert.DoesNotContain("MACs", outcome.Stdout); // a row has none to count
        var best = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_data.Root, "table-result.json"))).RootElement.GetProperty("best");
        Assert.False(best.TryGetProperty("flops", out _));
        Assert.False(best.TryGetProperty("params", out _));
        Assert.Equal(best.GetProperty("constrainedValue").GetDouble(), best.GetProperty("metrics").GetProperty("lat").GetDouble());
    }

    [Fact]
    public async Task Run_writes_the_result_file_and_meets_the_budget()
    {
        string job = WriteJob("""
            {"kind":"prune","model":"lenet5-w0.5","dataset":"mnist","agent":"ddpg","constraint":{"metric":"flops","ratio":0.5},
             "budget":{"episodes":5,"warmupEpisodes":2},"seed":1,"training":{"epochs":1,"trainLimit":3000},"pruning":{"validationImages":300}}
            """);
        string result = Path.Combine(_data.Root, "out", "result.json");

        var outcome = await CliRunner.InProcess("run", job, "--out", result, "--json", "--data-dir", _data.Root);

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Equal(Path.Combine(_data.Root, "out", "result.best"), outcome.Json().GetProperty("bestModel").GetString());
        var file = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(result)).RootElement;
        double limit = file.GetProperty("budgetLimit").GetDouble();
        Assert.Equal(file.GetProperty("base").GetProperty("flops").GetInt64() * 0.5, limit);
        Assert.Equal("lenet5-w0.5", file.GetProperty("spec").GetProperty("model").GetString());
        var candidates = file.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal(5, candidates.Count);
        Assert.All(candidates, c => Assert.True(c.GetProperty("constrainedValue").GetDouble() <= limit));
        var policy = file.GetProperty("best").GetProperty("policy")[0];
        Assert.Equal("conv1", policy.GetProperty("layer").GetString());
        Assert.InRange(policy.GetProperty("keepRatio").GetDouble(), 0.2, 1.0);
        Assert.True(policy.GetProperty("channels").GetInt32() >= 1);
        Assert.NotEmpty(file.GetProperty("pareto").EnumerateArray());
        Assert.True(Directory.Exists(Path.Combine(_data.Root, "out", "result.best")));
    }

    [Fact]
    public async Task A_bad_spec_names_every_bad_field_and_runs_nothing()
    {
        string job = WriteJob("""{"kind":"prune","model":"lenet5","dataset":"mnist","agent":"ddpg","constraint":{"metric":"flops","ratio":1.5},"budget":{"episodes":0}}""");
        string result = Path.Combine(_data.Root, "result.json");

        var outcome = await CliRunner.InProcess("run", job, "--out", result, "--json", "--data-dir", _data.Root);

        Assert.Equal(1, outcome.ExitCode);
        var fields = outcome.Json().GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Equal(["constraint.ratio", "budget.episodes"], fields);
        Assert.Contains("error: constraint.ratio: must be in (0, 1], got 1.5", outcome.Stderr);
        Assert.False(File.Exists(result));
        Assert.False(Directory.Exists(Path.Combine(_data.Root, "models")));
    }

    [Fact]
    public async Task A_missing_job_file_is_named()
    {
        var outcome = await CliRunner.InProcess("run", Path.Combine(_data.Root, "nope.json"), "--json");
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("nope.json: no such job file", outcome.Json().GetProperty("error").GetProperty("message").GetString());
    }
}
