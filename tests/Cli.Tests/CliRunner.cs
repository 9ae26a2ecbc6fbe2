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

    public static Task<Outcome> AsProcess(params string[] args) => AsProcess(new Dictionary<string, string?>(), args);

    /// <param name="environment">Variables to set (null: to remove) in the process's environment.</param>
    public static async Task<Outcome> AsProcess(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "autodesign.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return new Outcome(process.ExitCode, await stdout, await stderr);
    }
}
