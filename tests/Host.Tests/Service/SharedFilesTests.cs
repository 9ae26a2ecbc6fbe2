using AutoDesign.Modeling;
using AutoDesign.Host.Sharing;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutoDesign.Host.Tests.Service;

public sealed class SharedFilesTests : ServiceTest
{
    private readonly TestDataFolder _elsewhere = new(); // another machine's data folder, on the same database

    [Fact]
    public async Task A_folder_published_by_one_silo_is_fetched_by_another_without_overwriting_what_it_has()
    {
        var databases = Service.Services.GetRequiredService<IDbContextFactory<AutoDesignDb>>();
        var here = new SharedFiles(databases, new DataFolder(Data.Root), NullLogger<SharedFiles>.Instance);
        var there = new SharedFiles(databases, new DataFolder(_elsewhere.Root), NullLogger<SharedFiles>.Instance);
        Directory.CreateDirectory(Path.Combine(Data.Root, "models/m1/sub"));
        await File.WriteAllBytesAsync(Path.Combine(Data.Root, "models/m1/weights.bin"), [1, 2, 3]);
        await File.WriteAllTextAsync(Path.Combine(Data.Root, "models/m1/sub/card.json"), "{}");
        Directory.CreateDirectory(Path.Combine(_elsewhere.Root, "models/m1"));
        await File.WriteAllTextAsync(Path.Combine(_elsewhere.Root, "models/m1/local.txt"), "mine");

        await here.Publish("models/m1");
        Assert.True(await there.EnsureLocal("models/m1"));

        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(_elsewhere.Root, "models/m1/weights.bin")));
        Assert.Equal("{}", await File.ReadAllTextAsync(Path.Combine(_elsewhere.Root, "models/m1/sub/card.json")));
        Assert.Equal("mine", await File.ReadAllTextAsync(Path.Combine(_elsewhere.Root, "models/m1/local.txt")));
        Assert.False(await there.EnsureLocal("models/absent"));
        await Assert.ThrowsAsync<ArgumentException>(() => there.EnsureLocal("../outside"));

        await File.WriteAllBytesAsync(Path.Combine(Data.Root, "models/m1/weights.bin"), [4]); // republished content replaces the stored one
        await here.Publish("models/m1");
        File.Delete(Path.Combine(_elsewhere.Root, "models/m1/weights.bin"));
        await there.EnsureLocal("models/m1");
        Assert.Equal([4], await File.ReadAllBytesAsync(Path.Combine(_elsewhere.Root, "models/m1/weights.bin")));
        _elsewhere.Dispose();
    }
}
