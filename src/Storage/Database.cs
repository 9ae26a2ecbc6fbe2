using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AutoDesign.Storage;

/// <summary>
/// Which database the service keeps its records in: SQLite in the data folder (autodesign.db) by default, or
/// PostgreSQL when given a connection string (<c>Host=...;Database=...</c>), which several silos can share.
/// </summary>
public static class Database
{
    public static string SqlitePathIn(string dataDirectory) => Path.Combine(dataDirectory, "autodesign.db");

    /// <summary>Each provider's migrations live in an assembly of their own (AutoDesign.Storage.Sqlite, AutoDesign.Storage.Postgres).</summary>
    public static void Sqlite(SqliteDbContextOptionsBuilder sqlite) => sqlite.MigrationsAssembly("AutoDesign.Storage.Sqlite");

    public static void Postgres(Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.NpgsqlDbContextOptionsBuilder postgres) => postgres.MigrationsAssembly("AutoDesign.Storage.Postgres");

    public static bool IsPostgres(string? connection) => !string.IsNullOrWhiteSpace(connection);

    public static void Register(IServiceCollection services, string dataDirectory, string? connection)
    {
        if (IsPostgres(connection))
        {
            services.AddDbContextFactory<PostgresDb>(db => db.UseNpgsql(connection, Postgres));
            services.AddSingleton<IDbContextFactory<AutoDesignDb>>(s => new Narrowed<PostgresDb>(s.GetRequiredService<IDbContextFactory<PostgresDb>>()));
        }
        else
        {
            services.AddDbContextFactory<SqliteDb>(db => db.UseSqlite($"Data Source={SqlitePathIn(dataDirectory)}", Sqlite));
            services.AddSingleton<IDbContextFactory<AutoDesignDb>>(s => new Narrowed<SqliteDb>(s.GetRequiredService<IDbContextFactory<SqliteDb>>()));
        }
        services.AddScoped<AutoDesignDb>(s => s.GetRequiredService<IDbContextFactory<AutoDesignDb>>().CreateDbContext());
    }

    /// <summary>A context factory for commands that run without the service (e.g. <c>autodesign apikey</c>), migrated.</summary>
    public static IDbContextFactory<AutoDesignDb> Open(string dataDirectory, string? connection = null)
    {
        Directory.CreateDirectory(dataDirectory);
        IDbContextFactory<AutoDesignDb> factory = IsPostgres(connection)
            ? new Narrowed<PostgresDb>(new PooledDbContextFactory<PostgresDb>(new DbContextOptionsBuilder<PostgresDb>().UseNpgsql(connection, Postgres).Options))
            : new Narrowed<SqliteDb>(new PooledDbContextFactory<SqliteDb>(new DbContextOptionsBuilder<SqliteDb>().UseSqlite($"Data Source={SqlitePathIn(dataDirectory)}", Sqlite).Options));
        Migrate(factory);
        return factory;
    }

    /// <summary>Applies the provider's migrations (creating the database if need be); SQLite also switches to write-ahead logging so that readers and the job writers work at once.</summary>
    public static void Migrate(IDbContextFactory<AutoDesignDb> databases)
    {
        for (int attempt = 1; ; attempt++)
        {
            using var db = databases.CreateDbContext();
            try
            {
                db.Database.Migrate();
                if (db.Database.IsSqlite()) db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
                return;
            }
            catch (System.Data.Common.DbException) when (attempt < 5)
            {
                // Silos started together race to create the schema; the loser finds it made on its next try.
                Thread.Sleep(TimeSpan.FromSeconds(attempt));
            }
        }
    }

    /// <summary>
    /// A transaction that holds the job queue for itself, so that counting the queued jobs and adding one is atomic
    /// across requests and silos: SQLite's transactions take the write lock when they begin, PostgreSQL's take an
    /// advisory lock held to the end of the transaction.
    /// </summary>
    public static async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> LockQueueAsync(AutoDesignDb db, CancellationToken cancellation)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellation);
        if (db.Database.IsNpgsql()) await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(72410001)", cancellation);
        return transaction;
    }

    /// <summary>
    /// Closes the pooled connections, so the next ones open afresh: a SQLite connection opened while its folder was
    /// read-only stays read-only after the folder is writable again.
    /// </summary>
    public static void Reconnect()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    private sealed class Narrowed<T>(IDbContextFactory<T> inner) : IDbContextFactory<AutoDesignDb> where T : AutoDesignDb
    {
        public AutoDesignDb CreateDbContext() => inner.CreateDbContext();
    }
}
