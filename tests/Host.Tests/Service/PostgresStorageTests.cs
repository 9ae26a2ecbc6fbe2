using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Host.Tests.Service;

public sealed class PostgresStorageTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Given_a_PostgreSQL_database_the_service_keeps_jobs_there_and_a_new_silo_finds_them()
    {
        using var postgres = new PrivatePostgres();
        string connection = postgres.ConnectionString("autodesign");
        string id;
        await using (var first = await TestService.Start(_data.Root, $"--AutoDesign:Database={connection}"))
        {
            var (response, submitted) = await first.Client.Submit(JobApi.PruneSpec(episodes: 4));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            id = submitted.GetProperty("id").GetString()!;
            var job = await first.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(3));
            Assert.Equal("completed", job.Status());
            Assert.Equal("Healthy", await first.Client.GetStringAsync("/health"));
        }
        File.Delete(Path.Combine(_data.Root, "autodesign.db")); // nothing may come from SQLite

        await using var second = await TestService.Start(_data.Root, $"--AutoDesign:Database={connection}");
        var again = await second.Client.Job(id);
        Assert.Equal("completed", again.Status());
        var candidates = await second.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates");
        Assert.Equal(4, candidates.GetProperty("total").GetInt32());
        Assert.False(File.Exists(Path.Combine(_data.Root, "autodesign.db")));
    }
}
