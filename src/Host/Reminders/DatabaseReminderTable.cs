using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

namespace AutoDesign.Host.Reminders;

/// <summary>
/// Orleans reminders in the service's own database (EF Core), so that a reminder set before a silo was killed fires
/// again after it restarts. Upstream has no SQLite reminder provider; the ADO.NET one needs its own SQL scripts.
/// </summary>
internal sealed class DatabaseReminderTable(IDbContextFactory<AutoDesignDb> databases, IOptions<ClusterOptions> cluster) : IReminderTable
{
    private readonly string _service = cluster.Value.ServiceId;

    public Task Init() => Task.CompletedTask;

    public async Task<ReminderTableData> ReadRows(GrainId grainId)
    {
        await using var db = await databases.CreateDbContextAsync();
        string id = grainId.ToString();
        var rows = await db.Reminders.AsNoTracking().Where(r => r.ServiceId == _service && r.GrainId == id).ToListAsync();
        return new ReminderTableData(rows.Select(ToEntry));
    }

    /// <summary>Reminders whose grain hash is in (begin, end], the range wrapping past zero when begin is not below end.</summary>
    public async Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        await using var db = await databases.CreateDbContextAsync();
        long from = begin, to = end;
        var inService = db.Reminders.AsNoTracking().Where(r => r.ServiceId == _service);
        var rows = begin < end
            ? await inService.Where(r => r.GrainHash > from && r.GrainHash <= to).ToListAsync()
            : await inService.Where(r => r.GrainHash > from || r.GrainHash <= to).ToListAsync();
        return new ReminderTableData(rows.Select(ToEntry));
    }

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        await using var db = await databases.CreateDbContextAsync();
        string id = grainId.ToString();
        var row = await db.Reminders.AsNoTracking().SingleOrDefaultAsync(r => r.ServiceId == _service && r.GrainId == id && r.Name == reminderName);
        return row is null ? null : ToEntry(row);
    }

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        await using var db = await databases.CreateDbContextAsync();
        string id = entry.GrainId.ToString();
        var row = await db.Reminders.SingleOrDefaultAsync(r => r.ServiceId == _service && r.GrainId == id && r.Name == entry.ReminderName);
        if (row is null)
        {
            row = new ReminderRecord { ServiceId = _service, GrainId = id, Name = entry.ReminderName, ETag = "" };
            db.Reminders.Add(row);
        }
        row.GrainHash = entry.GrainId.GetUniformHashCode();
        row.StartAt = entry.StartAt.ToUniversalTime();
        row.PeriodTicks = entry.Period.Ticks;
        row.ETag = Guid.NewGuid().ToString("N");
        await db.SaveChangesAsync();
        return row.ETag;
    }

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        await using var db = await databases.CreateDbContextAsync();
        string id = grainId.ToString();
        int removed = await db.Reminders
            .Where(r => r.ServiceId == _service && r.GrainId == id && r.Name == reminderName && r.ETag == eTag)
            .ExecuteDeleteAsync();
        return removed > 0;
    }

    public async Task TestOnlyClearTable()
    {
        await using var db = await databases.CreateDbContextAsync();
        await db.Reminders.Where(r => r.ServiceId == _service).ExecuteDeleteAsync();
    }

    private static ReminderEntry ToEntry(ReminderRecord row) => new()
    {
        GrainId = GrainId.Parse(row.GrainId),
        ReminderName = row.Name,
        StartAt = DateTime.SpecifyKind(row.StartAt, DateTimeKind.Utc),
        Period = TimeSpan.FromTicks(row.PeriodTicks),
        ETag = row.ETag,
    };
}
