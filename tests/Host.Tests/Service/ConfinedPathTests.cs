using AutoDesign.Cli.Tests;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Host.Tests.Service;

/// <summary>Over HTTP a path resolves only inside the data folder or a configured root; what lies elsewhere is never read nor revealed.</summary>
public sealed class ConfinedPathTests() : ServiceTest($"--AutoDesign:AllowedRoots:0={AllowedRoot}")
{
    private static readonly string AllowedRoot = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "autodesign-allowed-root")).FullName;

    private static string TableSpec(string path) => $$$"""
        {"kind":"nas","space":{"type":"table","path":{{{JsonSerializer.Serialize(path)}}},"decisions":["nope"],"objective":"acc"},
         "agent":"random","budget":{"evaluations":2}}
        """;

    private static string PruneSpec(string field, string value) => JobApi.PruneSpec(4).Replace($"\"{field}\":\"{(field == "model" ? "lenet5" : "mnist")}\"", $"\"{field}\":{JsonSerializer.Serialize(value)}");

    public static TheoryData<string, string, string> Probes => new()
    {
        { "space.path", TableSpec("/etc/passwd"), TableSpec("/etc/no-such-file") },
        { "space.path", TableSpec("../../etc/passwd"), TableSpec("../../etc/no-such-file") },
        { "model", PruneSpec("model", "/etc/passwd"), PruneSpec("model", "/etc/no-such-file") },
        { "dataset", PruneSpec("dataset", "idx:/etc"), PruneSpec("dataset", "idx:/no-such-folder") },
        { "dataset", PruneSpec("dataset", "cifar10:/proc/self"), PruneSpec("dataset", "cifar10:/no-such-folder") },
        { "constraint.target", JobApi.PruneSpec(4).Replace("{\"metric\":\"flops\",\"ratio\":0.5}", "{\"metric\":\"latency\",\"target\":\"analytic:/dev/zero\",\"ratio\":0.5}"),
            JobApi.PruneSpec(4).Replace("{\"metric\":\"flops\",\"ratio\":0.5}", "{\"metric\":\"latency\",\"target\":\"analytic:/dev/no-such-device\",\"ratio\":0.5}") },
    };

    [Theory]
    [MemberData(nameof(Probes))]
    public async Task A_path_outside_the_data_folder_is_refused_alike_whether_it_exists_or_not(string field, string existing, string missing)
    {
        var (first, refusal) = await Service.Client.Submit(existing);
        var (second, other) = await Service.Client.Submit(missing);

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        string reason = refusal.GetProperty("errors").GetProperty(field)[0].GetString()!;
        Assert.Contains("is not allowed", reason);
        Assert.Contains("is not allowed", other.GetProperty("errors").GetProperty(field)[0].GetString()!);
        Assert.DoesNotContain("root:", refusal.ToString());
        Assert.Equal(0, (await Service.Client.GetFromJsonAsync<JsonElement>("/api/jobs")).GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("/api/targets/torchsharp-cpu/profile?model=%2Fetc%2Fpasswd", "model", "is not allowed")]
    [InlineData("/api/targets/torchsharp-cpu/profile?model=..%2F..%2F..%2F..%2Fetc%2Fpasswd", "model", "is not allowed")]
    [InlineData("/api/targets/torchsharp-cpu/profile?model=lenet5&dataset=idx:%2Fetc", "dataset", "is not allowed")]
    // A route value keeps its %2F: the name stays one file name inside the data folder.
    [InlineData("/api/targets/analytic:%2Fetc%2Fpasswd/profile?model=lenet5", "name", "no such file")]
    [InlineData("/api/targets/lut:..%2F..%2F..%2Fetc%2Fpasswd.json/profile?model=lenet5", "name", "no such file")]
    public async Task Paths_named_in_a_query_or_route_are_confined_too(string url, string field, string reason)
    {
        var response = await Service.Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Json();
        Assert.Contains(reason, problem.GetProperty("errors").GetProperty(field)[0].GetString());
        Assert.DoesNotContain("root:", problem.ToString());
    }

    [Fact]
    public async Task Responses_name_the_data_folders_contents_relative_to_it()
    {
        var trained = await CliRunner.InProcess("train", "--model", "lenet5", "--dataset", "mnist", "--epochs", "1", "--train-limit", "300", "--json", "--data-dir", Data.Root);
        Assert.True(trained.ExitCode == 0, trained.Stderr);

        string models = await Service.Client.GetStringAsync("/api/models");
        string directory = JsonDocument.Parse(models).RootElement.GetProperty("trained")[0].GetProperty("directory").GetString()!;

        Assert.StartsWith("models/lenet5__mnist__", directory);
        Assert.DoesNotContain(Data.Root, models);
    }

    [Fact]
    public async Task A_link_in_the_data_folder_leading_out_is_refused_and_a_configured_root_is_read()
    {
        File.CreateSymbolicLink(Path.Combine(Data.Root, "passwd.csv"), "/etc/passwd");
        var (linked, refusal) = await Service.Client.Submit(TableSpec("passwd.csv"));
        Assert.Equal(HttpStatusCode.BadRequest, linked.StatusCode);
        Assert.Contains("is not allowed", refusal.GetProperty("errors").GetProperty("space.path")[0].GetString());

        string table = Path.Combine(AllowedRoot, $"bench-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(table, ["a,acc", "1,0.5", "2,0.7"]);
        try
        {
            var (read, problem) = await Service.Client.Submit(TableSpec(table));
            Assert.Equal(HttpStatusCode.BadRequest, read.StatusCode); // read: the decision column it names is missing
            Assert.Equal("'nope' is not a column of " + Path.GetFileName(table), problem.GetProperty("errors").GetProperty("space.decisions[0]")[0].GetString());
        }
        finally { File.Delete(table); }
    }
}
