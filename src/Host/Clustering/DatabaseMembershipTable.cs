using System.Globalization;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace AutoDesign.Host.Clustering;

/// <summary>
/// Orleans cluster membership in the service's own database (EF Core), so that silos sharing a PostgreSQL database
/// find each other. Each change of a row also moves the table's version on, and succeeds only if neither the row
/// nor the version changed since the caller read them (their etags), which is what the membership protocol needs.
/// </summary>
internal sealed class DatabaseMembershipTable(IDbContextFactory<AutoDesignDb> databases, IOptions<ClusterOptions> cluster) : IMembershipTable
{
    private readonly string _cluster = cluster.Value.ClusterId;

    public async Task InitializeMembershipTable(bool tryInitTableVersion)
    {
        if (!tryInitTableVersion) return;
        await using var db = await databases.CreateDbContextAsync();
        if (await db.MembershipVersions.AnyAsync(v => v.ClusterId == _cluster)) return;
        db.MembershipVersions.Add(new MembershipVersionRecord { ClusterId = _cluster, Version = 0, ETag = NewETag() });
        try { await db.SaveChangesAsync(); }
        catch (DbUpdateException) { } // another silo created it first
    }

    public async Task DeleteMembershipTableEntries(string clusterId)
    {
        await using var db = await databases.CreateDbContextAsync();
        await db.Membership.Where(m => m.ClusterId == clusterId).ExecuteDeleteAsync();
        await db.MembershipVersions.Where(v => v.ClusterId == clusterId).ExecuteDeleteAsync();
    }

    public async Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        await using var db = await databases.CreateDbContextAsync();
        var before = beforeDate.UtcDateTime;
        int dead = (int)SiloStatus.Dead;
        await db.Membership.Where(m => m.ClusterId == _cluster && m.Status == dead && m.IAmAliveTime < before).ExecuteDeleteAsync();
    }

    public async Task<MembershipTableData> ReadRow(SiloAddress key)
    {
        await using var db = await databases.CreateDbContextAsync();
        string silo = key.ToParsableString();
        var rows = await db.Membership.AsNoTracking().Where(m => m.ClusterId == _cluster && m.Silo == silo).ToListAsync();
        return new MembershipTableData(rows.Select(ToEntry).ToList(), await Version(db));
    }

    public async Task<MembershipTableData> ReadAll()
    {
        await using var db = await databases.CreateDbContextAsync();
        var rows = await db.Membership.AsNoTracking().Where(m => m.ClusterId == _cluster).ToListAsync();
        return new MembershipTableData(rows.Select(ToEntry).ToList(), await Version(db));
    }

    public async Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion)
    {
        await using var db = await databases.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (!await MoveVersion(db, tableVersion)) return false;
        string silo = entry.SiloAddress.ToParsableString();
        if (await db.Membership.AnyAsync(m => m.ClusterId == _cluster && m.Silo == silo)) return false;
        var row = new MembershipRecord { ClusterId = _cluster, Silo = silo, ETag = NewETag() };
        Copy(entry, row);
        db.Membership.Add(row);
        try
        {
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }

    public async Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion)
    {
        await using var db = await databases.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (!await MoveVersion(db, tableVersion)) return false;
        string silo = entry.SiloAddress.ToParsableString();
        var row = await db.Membership.SingleOrDefaultAsync(m => m.ClusterId == _cluster && m.Silo == silo && m.ETag == etag);
        if (row is null) return false;
        Copy(entry, row);
        row.ETag = NewETag();
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return true;
    }

    public async Task UpdateIAmAlive(MembershipEntry entry)
    {
        await using var db = await databases.CreateDbContextAsync();
        string silo = entry.SiloAddress.ToParsableString();
        var alive = entry.IAmAliveTime.ToUniversalTime();
        await db.Membership.Where(m => m.ClusterId == _cluster && m.Silo == silo)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.IAmAliveTime, alive));
    }

    /// <summary>Moves the version to <paramref name="next"/> if it still has the etag the caller read; false if someone moved it first.</summary>
    private async Task<bool> MoveVersion(AutoDesignDb db, TableVersion next)
    {
        string etag = NewETag();
        int moved = await db.MembershipVersions
            .Where(v => v.ClusterId == _cluster && v.ETag == next.VersionEtag)
            .ExecuteUpdateAsync(set => set.SetProperty(v => v.Version, next.Version).SetProperty(v => v.ETag, etag));
        return moved == 1;
    }

    private async Task<TableVersion> Version(AutoDesignDb db)
    {
        var version = await db.MembershipVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ClusterId == _cluster);
        return version is null ? new TableVersion(0, "0") : new TableVersion(version.Version, version.ETag);
    }

    private static void Copy(MembershipEntry entry, MembershipRecord row)
    {
        row.Status = (int)entry.Status;
        row.SuspectTimes = string.Join('|', (entry.SuspectTimes ?? []).Select(s => $"{s.Item1.ToParsableString()},{s.Item2.ToUniversalTime().Ticks}"));
        row.ProxyPort = entry.ProxyPort;
        row.HostName = entry.HostName ?? "";
        row.SiloName = entry.SiloName ?? "";
        row.RoleName = entry.RoleName ?? "";
        row.UpdateZone = entry.UpdateZone;
        row.FaultZone = entry.FaultZone;
        row.StartTime = entry.StartTime.ToUniversalTime();
        row.IAmAliveTime = entry.IAmAliveTime.ToUniversalTime();
    }

    private static Tuple<MembershipEntry, string> ToEntry(MembershipRecord row) => Tuple.Create(new MembershipEntry
    {
        SiloAddress = SiloAddress.FromParsableString(row.Silo),
        Status = (SiloStatus)row.Status,
        SuspectTimes = row.SuspectTimes.Length == 0
            ? []
            : row.SuspectTimes.Split('|').Select(s => s.Split(',')).Select(p => Tuple.Create(
                SiloAddress.FromParsableString(p[0]), new DateTime(long.Parse(p[1], CultureInfo.InvariantCulture), DateTimeKind.Utc))).ToList(),
        ProxyPort = row.ProxyPort,
        HostName = row.HostName,
        SiloName = row.SiloName,
        RoleName = row.RoleName,
        UpdateZone = row.UpdateZone,
        FaultZone = row.FaultZone,
        StartTime = DateTime.SpecifyKind(row.StartTime, DateTimeKind.Utc),
        IAmAliveTime = DateTime.SpecifyKind(row.IAmAliveTime, DateTimeKind.Utc),
    }, row.ETag);

    private static string NewETag() => Guid.NewGuid().ToString("N");
}
