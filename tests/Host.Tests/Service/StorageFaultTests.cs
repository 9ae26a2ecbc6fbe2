using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoDesign.Host.Tests.Machine;

namespace AutoDesign.Host.Tests.Service;

public sealed class StorageFaultTests
{
    /// <summary>A job of 40 candidates that has recorded a few.</summary>
    private static async Task<string> JobUnderWay(TestService service)
    {
        string id = (await service.Client.Submit(JobApi.PruneSpec(episodes: 40))).Body.GetProperty("id").GetString()!;
        await service.Client.WaitFor(id, j => j.Candidates() >= 3, TimeSpan.FromMinutes(3));
        return id;
    }

    [Fact]
    public async Task A_full_disk_fails_the_job_with_its_cause_keeps_the_service_up_and_the_job_resumes_when_space_returns()
    {
        using var disk = new SmallDisk(megabytes: 64);
        await using var service = await TestService.Start(disk.Root, "--AutoDesign:StorageRetryPeriod=00:00:01");
        string id = await JobUnderWay(service);

        disk.Fill();
        var failed = await service.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(3));

        Assert.Equal("failed", failed.Status());
        Assert.Contains("full", failed.GetProperty("error").GetString());
        var health = await service.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/api/jobs")).StatusCode); // the host and its other endpoints stay up
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/api/catalog")).StatusCode);

        disk.Free();
        var resumed = await service.Client.WaitFor(id, j => j.Status() == "completed", TimeSpan.FromMinutes(3));

        var candidates = (await service.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates?limit=1000")).GetProperty("items").EnumerateArray();
        Assert.Equal(Enumerable.Range(0, 40), candidates.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal("Healthy", await service.Client.GetStringAsync("/health"));
        Assert.False(resumed.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task A_read_only_data_folder_fails_the_job_keeps_the_service_up_and_the_job_resumes_when_it_is_writable_again()
    {
        using var disk = new SmallDisk(megabytes: 64);
        await using var service = await TestService.Start(disk.Root, "--AutoDesign:StorageRetryPeriod=00:00:01");
        string id = await JobUnderWay(service);

        disk.MakeReadOnly();
        try
        {
            // The database cannot even be read now (its write-ahead log cannot be opened): reads of it are 503s naming the cause.
            var unavailable = await service.Client.GetAsync($"/api/jobs/{id}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
            Assert.StartsWith("the storage failed: ", (await unavailable.Json()).GetProperty("detail").GetString());
            Assert.NotNull(unavailable.Headers.RetryAfter);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await service.Client.GetAsync("/health")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/api/catalog")).StatusCode); // the host and what needs no storage stay up
            await Task.Delay(TimeSpan.FromSeconds(3)); // the job meets the fault too
        }
        finally { disk.MakeWritable(); }

        disk.MakeWritable();
        await service.Client.WaitFor(id, j => j.Status() == "completed", TimeSpan.FromMinutes(3));

        var candidates = (await service.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates?limit=1000")).GetProperty("items").EnumerateArray();
        Assert.Equal(Enumerable.Range(0, 40), candidates.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal("Healthy", await service.Client.GetStringAsync("/health"));
    }
}
