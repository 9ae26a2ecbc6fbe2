using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AutoDesign.Silo.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the service.</summary>
internal sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<AutoDesignDb>
{
    public AutoDesignDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AutoDesignDb>().UseSqlite("Data Source=design-time.db").Options);
}
