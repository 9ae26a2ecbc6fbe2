using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AutoDesign.Silo.Tests.Service;

public sealed class KilledSiloTests : IDisposable
{
    private readonly TestDataFolder _data = new();
    private readonly StringBuilder _log = new();

    public void Dispose() => _data.Dispose();

    /// <summary>Starts <c>autodesign serve</c> as its own process and waits until it answers /health.</summary>
    private async Task<(Process Process, HttpClient Client)> StartSilo()
    {
        int http = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "autodesign.dll"), "serve", "--urls", $"http://127.0.0.1:{http}", "--data-dir", _data.Root,
                     "--silo-port", FreePorts.Next().ToString(), "--gateway-port", FreePorts.Next().ToString(),
                 })
            start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}"), Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                if ((await client.GetAsync("/health")).IsSuccessStatusCode) return (process, client);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            if (process.HasExited || DateTime.UtcNow > deadline) throw new InvalidOperationException($"the silo did not start:\n{_log}");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task A_job_whose_silo_is_killed_resumes_after_a_restart_with_no_candidate_lost_or_repeated()
    {
        const int episodes = 40;
        var (first, client) = await StartSilo();
        List<JsonElement> before;
        string id;
        try
        {
            var (_, submitted) = await client.Submit(JobApi.PruneSpec(episodes));
            id = submitted.GetProperty("id").GetString()!;
            await client.WaitFor(id, j => j.Candidates() >= 3, TimeSpan.FromMinutes(4));
            before = (await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates?limit=1000")).GetProperty("items").EnumerateArray().ToList();
            first.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no flushing
            await first.WaitForExitAsync();
        }
        finally
        {
            if (!first.HasExited) first.Kill(entireProcessTree: true);
            client.Dispose();
        }
        Assert.InRange(before.Count, 3, episodes - 1);

        var (second, restarted) = await StartSilo();
        try
        {
            var job = await restarted.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(5));
            Assert.True(job.Status() == "completed", $"{job}\n{_log}");
            var after = (await restarted.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates?limit=1000")).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(0, episodes), after.Select(c => c.GetProperty("index").GetInt32()));
            foreach (var earlier in before) // what was recorded before the kill is kept as it was
                Assert.Equal(earlier.ToString(), after[earlier.GetProperty("index").GetInt32()].ToString());
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
            restarted.Dispose();
        }
    }
}
