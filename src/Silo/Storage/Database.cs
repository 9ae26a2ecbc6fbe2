using AutoDesign.Modeling;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace AutoDesign.Silo.Storage;

/// <summary>Where the embedded database lives (the data folder's autodesign.db) and how it is brought up to date.</summary>
public static class Database
{
    public static string PathIn(DataFolder folder) => System.IO.Path.Combine(folder.Root, "autodesign.db");

    public static void Configure(DbContextOptionsBuilder options, DataFolder folder) => options.UseSqlite($"Data Source={PathIn(folder)}");

    /// <summary>A context factory for commands that run without the service (e.g. <c>autodesign apikey</c>), migrated.</summary>
    public static IDbContextFactory<AutoDesignDb> Open(DataFolder folder)
    {
        Directory.CreateDirectory(folder.Root);
        var builder = new DbContextOptionsBuilder<AutoDesignDb>();
        Configure(builder, folder);
        var factory = new PooledDbContextFactory<AutoDesignDb>(builder.Options);
        Migrate(factory);
        return factory;
    }

    /// <summary>Applies the migrations; write-ahead logging lets readers and the job writers work at once.</summary>
    public static void Migrate(IDbContextFactory<AutoDesignDb> databases)
    {
        using var db = databases.CreateDbContext();
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }
}
