using System.Diagnostics;
using System.Text;

namespace AutoDesign.Host.Tests.Service;

/// <summary><c>autodesign serve</c> as a process of its own, with its output kept for failure messages.</summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log;

    private SiloProcess(Process process, StringBuilder log, HttpClient client)
    {
        _process = process;
        _log = log;
        Client = client;
    }

    public HttpClient Client { get; }

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Starts a silo on free ports and waits until it answers /health.</summary>
    public static async Task<SiloProcess> Start(string dataDirectory, params string[] extra)
    {
        int http = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "autodesign.dll"), "serve", "--urls", $"http://127.0.0.1:{http}", "--data-dir", dataDirectory,
                     "--silo-port", FreePorts.Next().ToString(), "--gateway-port", FreePorts.Next().ToString(),
                 }.Concat(extra))
            start.ArgumentList.Add(a);
        var log = new StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}"), Timeout = TimeSpan.FromSeconds(30) };
        var silo = new SiloProcess(process, log, client);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                if ((await client.GetAsync("/health")).IsSuccessStatusCode) return silo;
            }
            catch (HttpRequestException)
            {
                // not listening yet, or never will: decided below
            }
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                silo.Dispose();
                throw new InvalidOperationException($"the silo did not start:\n{silo.Log}");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flushing.</summary>
    public async Task Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        Client.Dispose();
    }
}
