using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Orleans.Storage;

namespace AutoDesign.Host.GrainState;

/// <summary>
/// Orleans grain storage in the service's own database (SQLite or PostgreSQL, through EF Core, as for reminders and
/// membership): each grain state is one JSON row with an ETag, and a write whose ETag is stale fails as Orleans expects.
/// </summary>
internal sealed class DatabaseGrainStorage(IDbContextFactory<AutoDesignDb> databases) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var db = await databases.CreateDbContextAsync();
        string id = grainId.ToString();
        var record = await db.GrainStates.AsNoTracking().SingleOrDefaultAsync(s => s.StateName == stateName && s.GrainId == id);
        if (record is null) return;
        grainState.State = StoredJson.Read<T>(record.Json);
        grainState.ETag = record.ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var db = await databases.CreateDbContextAsync();
        string id = grainId.ToString();
        var record = await db.GrainStates.SingleOrDefaultAsync(s => s.StateName == stateName && s.GrainId == id);
        if (record?.ETag != grainState.ETag)
            throw new InconsistentStateException($"grain {id} state {stateName} was changed elsewhere", record?.ETag, grainState.ETag);
        string etag = Guid.NewGuid().ToString("N");
        if (record is null) db.GrainStates.Add(record = new GrainStateRecord { StateName = stateName, GrainId = id, ETag = etag, Json = "" });
        record.Json = StoredJson.Write(grainState.State);
        record.ETag = etag;
        record.UpdatedAt = DateTime.UtcNow;
        try { await db.SaveChangesAsync(); }
        catch (DbUpdateException e) { throw new InconsistentStateException($"grain {id} state {stateName} was written concurrently: {e.Message}", null, grainState.ETag); }
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var db = await databases.CreateDbContextAsync();
        string id = grainId.ToString();
        await db.GrainStates.Where(s => s.StateName == stateName && s.GrainId == id).ExecuteDeleteAsync();
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = typeof(T).GetConstructor(Type.EmptyTypes) is null ? default! : Activator.CreateInstance<T>(); // a fresh state, as before the first write
    }
}
