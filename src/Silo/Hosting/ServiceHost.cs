using AutoDesign.Modeling;
using AutoDesign.Modeling.Torch;
using AutoDesign.Silo.Api;
using AutoDesign.Silo.Export;
using AutoDesign.Silo.Jobs;
using AutoDesign.Silo.Reminders;
using AutoDesign.Silo.Storage;
using Microsoft.EntityFrameworkCore;
using Orleans.Configuration;

namespace AutoDesign.Silo.Hosting;

/// <summary>
/// The service: one Orleans silo co-hosted with the REST API in one process, on the embedded default (localhost
/// clustering, SQLite in the data folder through EF Core, migrated at start-up).
/// </summary>
public static class ServiceHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        TorchRuntime.EnsureInitialized();
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var settings = builder.Configuration.GetSection(ServiceOptions.Section).Get<ServiceOptions>() ?? new ServiceOptions();
        builder.Services.Configure<ServiceOptions>(builder.Configuration.GetSection(ServiceOptions.Section));
        var folder = settings.DataDirectory is { Length: > 0 } directory ? new DataFolder(Path.GetFullPath(directory)) : DataFolder.Default();
        Directory.CreateDirectory(folder.Root);
        builder.Services.AddSingleton(folder);

        builder.Services.AddDbContextFactory<AutoDesignDb>(db => db.UseSqlite($"Data Source={Path.Combine(folder.Root, "autodesign.db")}"));
        builder.Services.AddHealthChecks().AddDbContextCheck<AutoDesignDb>("database");

        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = "autodesign";
                cluster.ServiceId = "autodesign";
            });
            silo.AddReminders();
            silo.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, settings.KeepAlivePeriod.Ticks)));
            silo.Services.AddSingleton<IReminderTable, DatabaseReminderTable>();
        });

        builder.Services.AddSingleton<JobRunner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<JobRunner>());
        builder.Services.AddHostedService<JobRecovery>();
        builder.Services.AddSingleton<JobService>();
        builder.Services.AddSingleton<JobExport>();

        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull);

        var app = builder.Build();
        Migrate(app.Services);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapHealthChecks("/health");
        app.MapJobs();
        app.MapJobEvents();
        app.MapCatalog();
        return app;
    }

    /// <summary>Brings the database schema up to date; write-ahead logging lets readers and the job writer work at once.</summary>
    private static void Migrate(IServiceProvider services)
    {
        using var db = services.GetRequiredService<IDbContextFactory<AutoDesignDb>>().CreateDbContext();
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }
}
