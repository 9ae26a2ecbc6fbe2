using System.Diagnostics;
using AutoDesign.Modeling;

namespace AutoDesign.Host.Tests.Machine;

/// <summary>
/// A data folder on a file system of its own (a tmpfs of a few megabytes, mounted as root, as CI runs) that a test can
/// fill to the last byte and free again. Its datasets/ links to the default folder's, as <see cref="Tests.TestDataFolder"/>'s does.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private readonly string _filler;

    public SmallDisk(int megabytes)
    {
        Root = Directory.CreateTempSubdirectory("autodesign-small-disk-").FullName;
        string result = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", Root);
        if (!IsMounted()) throw new InvalidOperationException($"a small file system could not be mounted at {Root} (this test needs root): {result}");
        var shared = DataFolder.Default().Datasets;
        Directory.CreateDirectory(shared);
        Directory.CreateSymbolicLink(Path.Combine(Root, "datasets"), shared);
        _filler = Path.Combine(Root, "filler");
    }

    public string Root { get; }

    /// <summary>Writes a file until the file system has no byte left.</summary>
    public void Fill()
    {
        var file = new FileStream(_filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (int size in new[] { 1 << 16, 1 << 10, 1 })
        {
            var block = new byte[size];
            try { while (true) file.Write(block); }
            catch (IOException) { }
        }
        try { file.Dispose(); }
        catch (IOException) { }
    }

    public void Free() => File.Delete(_filler);

    /// <summary>
    /// Remounts the file system read-only. The kernel refuses while a file on it is open for writing, so the service's
    /// idle database connections are closed first, and the remount is tried until no write is under way.
    /// </summary>
    public void MakeReadOnly()
    {
        string result = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; Thread.Sleep(50))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            result = Run("mount", "-o", "remount,ro", Root);
            if (IsReadOnly()) return;
        }
        throw new InvalidOperationException($"{Root} could not be made read-only: {result}");
    }

    public void MakeWritable() => Run("mount", "-o", "remount,rw", Root);

    private bool IsReadOnly() => File.ReadAllLines("/proc/mounts").Any(line => line.Split(' ') is var f && f[1] == Root && f[3].Split(',').Contains("ro"));

    public void Dispose()
    {
        Run("umount", "-l", Root);
        if (!IsMounted()) Directory.Delete(Root, recursive: true);
    }

    private bool IsMounted() => File.ReadAllLines("/proc/mounts").Any(line => line.Split(' ')[1] == Root);

    private static string Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }
}
