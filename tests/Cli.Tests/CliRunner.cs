using System.Diagnostics;
using System.Text.Json;
using AutoDesign.Cli;

namespace AutoDesign.Cli.Tests;

/// <summary>Runs the command line in-process (fast) or as the real autodesign process (to check what reaches stdout).</summary>
internal static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json()
        {
            using var document = JsonDocument.Parse(Stdout);
            return document.RootElement.Clone();
        }
    }

    public static async Task<Outcome> InProcess(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await AutoDesignCli.RunAsync(args, stdout, stderr);
        return new Outcome(exit, stdout.ToString(), stderr.ToString());
    }

    public static async Task<Outcome> AsProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "autodesign.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return new Outcome(process.ExitCode, await stdout, await stderr);
    }
}
