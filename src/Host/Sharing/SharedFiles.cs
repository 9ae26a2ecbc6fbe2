using System.Security.Cryptography;
using AutoDesign.Modeling;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;

namespace AutoDesign.Host.Sharing;

/// <summary>
/// The part of the data folder that silos share through the database: a silo publishes a folder (a base model, an
/// upload, a job's best network, the look-up tables) and a silo on another machine fetches what it lacks before it
/// needs it. Files a silo already has are never overwritten by a fetch; a publish replaces files whose content changed.
/// </summary>
public sealed class SharedFiles(IDbContextFactory<AutoDesignDb> databases, DataFolder folder, ILogger<SharedFiles> logger)
{
    /// <summary>The folder's path relative to the data folder ('/' separators), or null if it lies outside it.</summary>
    public string? RelativePath(string directory)
    {
        string relative = Path.GetRelativePath(folder.Root, Path.GetFullPath(directory));
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? null : relative.Replace('\\', '/');
    }

    public async Task Publish(string relativeDirectory, CancellationToken cancellation = default)
    {
        string directory = Local(relativeDirectory);
        if (!Directory.Exists(directory)) return;
        await using var db = await databases.CreateDbContextAsync(cancellation);
        string prefix = Prefix(relativeDirectory);
        var known = await db.SharedFiles.Where(f => f.Path.StartsWith(prefix)).Select(f => new { f.Path, f.Sha256 }).ToDictionaryAsync(f => f.Path, f => f.Sha256, cancellation);
        int changed = 0;
        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            string path = prefix + Path.GetRelativePath(directory, file).Replace('\\', '/');
            byte[] content = await File.ReadAllBytesAsync(file, cancellation);
            string hash = Convert.ToHexString(SHA256.HashData(content));
            if (known.TryGetValue(path, out var stored) && stored == hash) continue;
            var record = await db.SharedFiles.SingleOrDefaultAsync(f => f.Path == path, cancellation);
            if (record is null) db.SharedFiles.Add(new SharedFileRecord { Path = path, Content = content, Sha256 = hash, SavedAt = DateTime.UtcNow });
            else (record.Content, record.Sha256, record.SavedAt) = (content, hash, DateTime.UtcNow);
            changed++;
        }
        await db.SaveChangesAsync(cancellation);
        if (changed > 0) logger.LogInformation("Shared {Files} files of {Directory}", changed, relativeDirectory);
    }

    /// <summary>Fetches the folder's files this silo lacks; false if the database holds none of it and it is not here either.</summary>
    public async Task<bool> EnsureLocal(string relativeDirectory, CancellationToken cancellation = default)
    {
        string directory = Local(relativeDirectory);
        await using var db = await databases.CreateDbContextAsync(cancellation);
        string prefix = Prefix(relativeDirectory);
        var paths = await db.SharedFiles.Where(f => f.Path.StartsWith(prefix)).Select(f => f.Path).ToListAsync(cancellation);
        foreach (string path in paths.Where(p => !File.Exists(Local(p))))
        {
            var record = await db.SharedFiles.AsNoTracking().SingleAsync(f => f.Path == path, cancellation);
            string target = Local(path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            string partial = target + ".fetching";
            await File.WriteAllBytesAsync(partial, record.Content, cancellation);
            File.Move(partial, target, overwrite: true); // readers never see half a file
            logger.LogInformation("Fetched {Path} from the shared store", path);
        }
        return paths.Count > 0 || Directory.Exists(directory);
    }

    private static string Prefix(string relativeDirectory) => relativeDirectory.TrimEnd('/') + "/";

    private string Local(string relativePath)
    {
        string full = Path.GetFullPath(Path.Combine(folder.Root, relativePath));
        return full.StartsWith(Path.GetFullPath(folder.Root), StringComparison.Ordinal)
            ? full
            : throw new ArgumentException($"'{relativePath}' is outside the data folder");
    }
}
