using System.Diagnostics;
using AutoDesign.Host.Tests.Machine;

namespace AutoDesign.Host.Tests.Service;

/// <summary>
/// A throw-away PostgreSQL server on a loopback port, from Debian's binaries (installed on first use where absent), run
/// by the machine's postgres user when the tests run as root (initdb refuses root).
/// </summary>
internal sealed class PrivatePostgres : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"autodesign-pg-{Guid.NewGuid():N}");

    public PrivatePostgres()
    {
        Port = FreePorts.Next();
        Directory.CreateDirectory(_root);
        if (DebianPackages.IsRoot) Run("chown", "postgres", _root);
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

    private static void AsPostgres(string program, params string[] args)
    {
        string path = Path.Combine(DebianPackages.PostgresBinaries, program);
        if (DebianPackages.IsRoot) Run("runuser", ["-u", "postgres", "--", path, .. args]);
        else Run(path, args);
    }

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
