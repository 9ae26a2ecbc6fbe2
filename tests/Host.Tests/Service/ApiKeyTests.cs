using AutoDesign.Cli.Tests;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoDesign.Host.Hosting;
using Microsoft.Data.Sqlite;

namespace AutoDesign.Host.Tests.Service;

public sealed class ApiKeyTests() : ServiceTest("--AutoDesign:RequireApiKey=true")
{
    private async Task<HttpResponseMessage> Post(string path, string? key, string body = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return await Service.Client.SendAsync(request);
    }

    [Fact]
    public async Task Changes_need_a_key_created_on_the_command_line_and_reads_do_not()
    {
        var refused = await Post("/api/jobs", key: null, JobApi.PruneSpec(5));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/api/jobs", key: "adk_not-a-key", JobApi.PruneSpec(5))).StatusCode);
        Assert.Equal(0, (await Service.Client.GetFromJsonAsync<JsonElement>("/api/jobs")).GetProperty("total").GetInt32());

        var created = await CliRunner.InProcess("apikey", "create", "--name", "ci", "--data-dir", Data.Root, "--json");
        Assert.Equal(0, created.ExitCode);
        string key = created.Json().GetProperty("key").GetString()!;

        var accepted = await Post("/api/jobs", key, JobApi.PruneSpec(5));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        string id = (await accepted.Json()).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post($"/api/jobs/{id}/cancel", key: null)).StatusCode);
        var bearer = new HttpRequestMessage(HttpMethod.Post, $"/api/jobs/{id}/cancel") { Headers = { { "Authorization", $"Bearer {key}" } } };
        Assert.Equal(HttpStatusCode.Accepted, (await Service.Client.SendAsync(bearer)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Service.Client.GetAsync($"/api/jobs/{id}")).StatusCode);

        Assert.Equal(0, (await CliRunner.InProcess("apikey", "revoke", "--name", "ci", "--data-dir", Data.Root)).ExitCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/api/jobs", key, JobApi.PruneSpec(5))).StatusCode);
    }

    [Fact]
    public async Task Expensive_reads_need_a_key_where_changes_do()
    {
        const string profile = "/api/targets/bitfusion/profile?model=lenet5&dataset=mnist";
        Assert.Equal(HttpStatusCode.Unauthorized, (await Service.Client.GetAsync(profile)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Service.Client.GetAsync($"/api/jobs/{Guid.NewGuid()}/candidates/0/layers?target=analytic:%2Fetc%2Fpasswd")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Service.Client.GetAsync($"/api/jobs/{Guid.NewGuid()}/export")).StatusCode);

        string key = (await CliRunner.InProcess("apikey", "create", "--name", "reader", "--data-dir", Data.Root, "--json")).Json().GetProperty("key").GetString()!;
        var request = new HttpRequestMessage(HttpMethod.Get, profile) { Headers = { { "X-Api-Key", key } } };
        Assert.Equal(HttpStatusCode.OK, (await Service.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Only_a_hash_of_a_key_is_stored()
    {
        string key = (await CliRunner.InProcess("apikey", "create", "--name", "dashboard", "--data-dir", Data.Root, "--json")).Json().GetProperty("key").GetString()!;

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Data.Root, "autodesign.db")}");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT Name || '|' || Prefix || '|' || Hash FROM ApiKeys";
        string row = (string)(await command.ExecuteScalarAsync())!;
        Assert.StartsWith("dashboard|", row);
        Assert.DoesNotContain(key, row);
        Assert.DoesNotContain(key[10..], row);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", false)]
    [InlineData("http://localhost:5080;http://[::1]:5080", false)]
    [InlineData("http://0.0.0.0:5080", true)]
    [InlineData("http://*:5080", true)]
    [InlineData("http://127.0.0.1:5080;http://192.168.1.4:5080", true)]
    public void Keys_are_required_whenever_the_server_listens_beyond_loopback(string urls, bool beyond) =>
        Assert.Equal(beyond, ServiceHost.ListensBeyondLoopback(urls));
}
