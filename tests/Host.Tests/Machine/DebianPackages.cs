using System.Diagnostics;

namespace AutoDesign.Host.Tests.Machine;

/// <summary>
/// The programs the end-to-end tests drive — Chromium, PostgreSQL's server binaries — found on the machine, or
/// installed from Debian's packages on first use (as root, as CI runs), so that a fresh clone's test command runs
/// them. Where they can be neither found nor installed the test fails saying what to install.
/// </summary>
internal static class DebianPackages
{
    private static readonly Lazy<string> ChromiumPath = new(() => Find("chromium", () => File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null));

    private static readonly Lazy<string> PostgresPath = new(() => Find("postgresql", () =>
        (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(v => Path.Combine(v, "bin")) : [])
        .Append("/usr/local/bin").FirstOrDefault(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))));

    /// <summary>The Chromium executable.</summary>
    public static string Chromium => ChromiumPath.Value;

    /// <summary>The folder holding PostgreSQL's initdb and pg_ctl.</summary>
    public static string PostgresBinaries => PostgresPath.Value;

    public static bool IsRoot => Environment.UserName == "root";

    private static string Find(string package, Func<string?> locate)
    {
        if (locate() is { } found) return found;
        var attempts = new List<string>();
        if (IsRoot)
        {
            // A fresh machine may not know the package yet: update the lists only when the install fails without them.
            attempts.Add(Run("apt-get", "install", "-y", "--no-install-recommends", package));
            if (locate() is null)
            {
                attempts.Add(Run("apt-get", "update"));
                attempts.Add(Run("apt-get", "install", "-y", "--no-install-recommends", package));
            }
        }
        return locate() ?? throw new InvalidOperationException(
            $"this test needs Debian's '{package}' package, which is not installed{(IsRoot ? " and could not be" : "")}: run 'apt-get install -y {package}' as root" +
            (attempts.Count > 0 ? $"\n{string.Join("\n", attempts)}" : ""));
    }

    private static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return $"{program} {string.Join(' ', args)}: exit {process.ExitCode} {error.Trim()}".Trim();
    }
}
