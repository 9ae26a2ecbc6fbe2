using AutoDesign.Modeling;
using AutoDesign.Host.GrainState;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace AutoDesign.Host.Tests.Grains;

public sealed class DatabaseGrainStorageTests : IDisposable
{
    private readonly TestDataFolder _data = new();
    private readonly ServiceProvider _services;
    private readonly DatabaseGrainStorage _storage;

    public sealed record Counter(int Value, string Note);

    public DatabaseGrainStorageTests()
    {
        var services = new ServiceCollection();
        Database.Register(services, _data.Root, null);
        _services = services.BuildServiceProvider();
        var databases = _services.GetRequiredService<IDbContextFactory<AutoDesignDb>>();
        Database.Migrate(databases);
        _storage = new DatabaseGrainStorage(databases);
    }

    public void Dispose()
    {
        _services.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task State_round_trips_and_a_write_with_a_stale_etag_is_refused()
    {
        var id = GrainId.Create("profiler", "a|torchsharp-cpu");
        var first = new GrainState<Counter> { State = new Counter(1, "one") };
        await _storage.WriteStateAsync("measurements", id, first);

        var read = new GrainState<Counter>();
        await _storage.ReadStateAsync("measurements", id, read);
        Assert.True(read.RecordExists);
        Assert.Equal(new Counter(1, "one"), read.State);
        Assert.Equal(first.ETag, read.ETag);

        read.State = new Counter(2, "two");
        await _storage.WriteStateAsync("measurements", id, read); // the tag first wrote is now stale
        first.State = new Counter(3, "lost update");
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("measurements", id, first));

        var again = new GrainState<Counter>();
        await _storage.ReadStateAsync("measurements", id, again);
        Assert.Equal(new Counter(2, "two"), again.State);

        await _storage.ClearStateAsync("measurements", id, again);
        var cleared = new GrainState<Counter>();
        await _storage.ReadStateAsync("measurements", id, cleared);
        Assert.False(cleared.RecordExists);
    }
}
