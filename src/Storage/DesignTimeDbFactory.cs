using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AutoDesign.Storage;

// Let `dotnet ef migrations add NAME --context SqliteDb|PostgresDb` build the contexts without the service; nothing connects.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteDb>
{
    public SqliteDb CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<SqliteDb>().UseSqlite("Data Source=design-time.db", Database.Sqlite).Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresDb>
{
    public PostgresDb CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<PostgresDb>().UseNpgsql("Host=localhost;Database=autodesign", Database.Postgres).Options);
}
