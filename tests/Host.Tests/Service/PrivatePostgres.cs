using System.Diagnostics;

namespace AutoDesign.Host.Tests.Service;

/// <summary>
/// A throw-away PostgreSQL server on a loopback port, run by the machine's postgres user (initdb refuses root).
/// Tests that need one are <see cref="PostgresFactAttribute"/>s: they run when AUTODESIGN_POSTGRES=1.
/// </summary>
internal sealed class PrivatePostgres : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"autodesign-pg-{Guid.NewGuid():N}");

    public PrivatePostgres()
    {
        Port = FreePorts.Next();
        Directory.CreateDirectory(_root);
        Run("chown", "postgres", _root);
        AsPostgres("initdb", "-D", Data, "-U", "postgres", "--auth=trust");
        AsPostgres("pg_ctl", "-D", Data, "-o", $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1", "-w", "-l", Path.Combine(_root, "log"), "start");
    }

    public int Port { get; }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    private string Data => Path.Combine(_root, "data");

    public void Dispose()
    {
        try { AsPostgres("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop"); }
        finally { Directory.Delete(_root, recursive: true); }
    }

    private static void AsPostgres(params string[] command) => Run("runuser", ["-u", "postgres", "--", .. command]);

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {output}");
    }
}

/// <summary>A fact that needs PostgreSQL binaries and the postgres user: skipped unless AUTODESIGN_POSTGRES=1.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("AUTODESIGN_POSTGRES") != "1")
            Skip = "needs PostgreSQL (initdb, pg_ctl, a postgres user): set AUTODESIGN_POSTGRES=1 to run";
    }
}
