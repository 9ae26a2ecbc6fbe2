using System.Text.Json;

namespace AutoDesign.Modeling.Data;

/// <summary>
/// One folder per fetched data set under the data folder's datasets/. A folder counts only once its
/// manifest is written, and it is filled elsewhere and moved into place, so an interrupted fetch leaves nothing
/// half-made; a lock file keeps two processes from fetching the same set at once.
/// </summary>
internal static class DatasetCache
{
    private const string ManifestName = "manifest.json";

    public sealed record Manifest(string Dataset, string Source, DateTimeOffset FetchedAt, Dictionary<string, long> Files);

    public static string Ensure(DataFolder folder, string name, string source, Action<string> fill)
    {
        string target = Path.Combine(folder.Datasets, name);
        if (File.Exists(Path.Combine(target, ManifestName))) return target;

        Directory.CreateDirectory(folder.Datasets);
        using var fetchLock = AcquireLock(Path.Combine(folder.Datasets, $".{name}.lock"), TimeSpan.FromMinutes(15));
        if (File.Exists(Path.Combine(target, ManifestName))) return target; // another process finished meanwhile

        string staging = Path.Combine(folder.Datasets, $".{name}.{Guid.NewGuid():N}.partial");
        try
        {
            Directory.CreateDirectory(staging);
            fill(staging);
            var files = Directory.GetFiles(staging).ToDictionary(f => Path.GetFileName(f), f => new FileInfo(f).Length);
            var manifest = new Manifest(name, source, DateTimeOffset.UtcNow, files);
            File.WriteAllText(Path.Combine(staging, ManifestName), JsonSerializer.Serialize(manifest, AutoDesignJson.Indented));
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true); // an unfinished earlier attempt
            Directory.Move(staging, target);
            return target;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static FileStream AcquireLock(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(500);
            }
        }
    }
}
