using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Host.Tests.Service;

/// <summary>What a client of the REST API does, for the tests: submit, read and wait on jobs.</summary>
internal static class JobApi
{
    /// <summary>A pruning job small enough for a test: a quickly trained lenet5 and few validation images.</summary>
    public static string PruneSpec(int episodes, string agent = "ddpg", int batch = 1) => $$$"""
        {"kind":"prune","model":"lenet5","dataset":"mnist","agent":"{{{agent}}}","constraint":{"metric":"flops","ratio":0.5},
         "budget":{"episodes":{{{episodes}}},"warmupEpisodes":3,"batch":{{{batch}}}},"seed":2,
         "training":{"epochs":1,"trainLimit":3000},"pruning":{"validationImages":300}}
        """;

    public static async Task<JsonElement> Json(this HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> Submit(this HttpClient client, string spec)
    {
        var response = await client.PostAsync("/api/jobs", new StringContent(spec, System.Text.Encoding.UTF8, "application/json"));
        return (response, await response.Json());
    }

    public static async Task<JsonElement> Job(this HttpClient client, string id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}");

    /// <summary>Polls the job until <paramref name="until"/> holds of it.</summary>
    public static async Task<JsonElement> WaitFor(this HttpClient client, string id, Func<JsonElement, bool> until, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await client.Job(id);
            if (until(job)) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} did not get there in {timeout}: {job}");
            await Task.Delay(200);
        }
    }

    public static string Status(this JsonElement job) => job.GetProperty("status").GetString()!;

    public static int Candidates(this JsonElement job) => job.GetProperty("progress").GetProperty("candidates").GetInt32();

    public static bool IsFinished(this JsonElement job) => job.Status() is "completed" or "failed" or "cancelled";
}
