using System.Security.Cryptography;
using System.Text;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;

namespace AutoDesign.Host.Security;

/// <summary>Creates API keys (256 random bits, shown once) and checks presented ones against their stored hashes.</summary>
public sealed class ApiKeys(IDbContextFactory<AutoDesignDb> databases)
{
    private const string Marker = "adk_";

    public sealed record Created(string Name, string Key, string Prefix, DateTime CreatedAt);

    public sealed record Listed(string Name, string Prefix, DateTime CreatedAt);

    public async Task<Created> Create(string name, CancellationToken cancellation = default)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a key needs a name");
        await using var db = await databases.CreateDbContextAsync(cancellation);
        if (await db.ApiKeys.AnyAsync(k => k.Name == name, cancellation)) throw new ArgumentException($"there is already a key named '{name}'");
        string key = Marker + Base64Url(RandomNumberGenerator.GetBytes(32));
        var record = new ApiKeyRecord { Id = Guid.NewGuid(), Name = name, Prefix = key[..10], Hash = Hash(key), CreatedAt = DateTime.UtcNow };
        db.ApiKeys.Add(record);
        await db.SaveChangesAsync(cancellation);
        return new Created(name, key, record.Prefix, record.CreatedAt);
    }

    public async Task<IReadOnlyList<Listed>> List(CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        return await db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).Select(k => new Listed(k.Name, k.Prefix, k.CreatedAt)).ToListAsync(cancellation);
    }

    public async Task<bool> Revoke(string name, CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        return await db.ApiKeys.Where(k => k.Name == name).ExecuteDeleteAsync(cancellation) > 0;
    }

    /// <summary>The name of the key, or null if no stored key has this hash.</summary>
    public async Task<string?> Check(string presented, CancellationToken cancellation = default)
    {
        if (!presented.StartsWith(Marker, StringComparison.Ordinal)) return null;
        string hash = Hash(presented);
        await using var db = await databases.CreateDbContextAsync(cancellation);
        return await db.ApiKeys.AsNoTracking().Where(k => k.Hash == hash).Select(k => k.Name).SingleOrDefaultAsync(cancellation);
    }

    // The keys carry 256 random bits, so a plain SHA-256 suffices; slow password hashes are for guessable secrets.
    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
