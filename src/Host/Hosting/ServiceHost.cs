using AutoDesign.Dashboard;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Inputs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Host.Api;
using AutoDesign.Host.Evaluators;
using AutoDesign.Host.Export;
using AutoDesign.Host.Jobs;
using AutoDesign.Host.Profiling;
using AutoDesign.Host.Resilience;
using AutoDesign.Host.Security;
using AutoDesign.Host.Sharing;
using AutoDesign.Storage;
using AutoDesign.Host.Sweeps;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration.Memory;

namespace AutoDesign.Host.Hosting;

/// <summary>
/// The service: one Orleans silo co-hosted with the REST API in one process. On the embedded default it is a
/// cluster of one (localhost clustering, SQLite in the data folder); given a PostgreSQL database it keeps its records
/// there and joins the other silos that share it.
/// </summary>
public static class ServiceHost
{
    /// <summary>The assembly name of the <c>autodesign</c> program that hosts the service.</summary>
    public const string ProgramName = "autodesign";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        TorchRuntime.EnsureInitialized();
        // Named after the program (not the process's entry point, which is the test host under tests), so that its
        // static web assets manifests (the dashboard's files and blazor.web.js) are found.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = ProgramName });
        // Defaults that any other configuration source overrides: EF Core logs every SQL command at Information (the
        // reminder table is polled) and ASP.NET Core every request, which would bury the service's own log.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData =
            [
                new("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Warning"),
                new("Logging:LogLevel:Microsoft.AspNetCore", "Warning"),
            ],
        });
        configure?.Invoke(builder);
        var settings = builder.Configuration.GetSection(ServiceOptions.Section).Get<ServiceOptions>() ?? new ServiceOptions();
        builder.Services.Configure<ServiceOptions>(builder.Configuration.GetSection(ServiceOptions.Section));
        var root = settings.DataDirectory is { Length: > 0 } directory ? Path.GetFullPath(directory) : DataFolder.Default().Root;
        Directory.CreateDirectory(root);
        var folder = new DataFolder(root) { Access = InputAccess.Within([root, .. settings.AllowedRoots], settings.ModelLimits) };
        builder.Services.AddSingleton(folder);

        Database.Register(builder.Services, folder.Root, settings.Database);
        builder.Services.AddSingleton<StorageHealth>();
        builder.Services.AddSingleton<StorageRecovery>();
        builder.Services.AddHostedService(services => services.GetRequiredService<StorageRecovery>());
        builder.Services.AddHealthChecks().AddDbContextCheck<AutoDesignDb>("database").AddCheck<StorageHealth>("storage");

        builder.UseOrleans(silo => SiloConfiguration.Configure(silo, settings));

        builder.Services.AddSingleton<SharedFiles>();
        builder.Services.AddSingleton<ScorerCache>();
        builder.Services.AddSingleton<JobLifecycle>();
        builder.Services.AddSingleton<JobRunner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<JobRunner>());
        builder.Services.AddHostedService<JobRecovery>();
        builder.Services.AddHostedService<DeviceRegistration>();
        builder.Services.AddSingleton<JobService>();
        builder.Services.AddSingleton<JobExport>();
        builder.Services.AddSingleton<CandidateProfiles>();
        builder.Services.AddSingleton<SweepRunner>();
        builder.Services.AddSingleton<SweepService>();

        builder.WebHost.UseStaticWebAssets(); // the dashboard's and its libraries' files, in any environment
        builder.Services.AddAutoDesignDashboard(services => ApiAddress.Of(services.GetRequiredService<IServer>()));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<StorageFaultHandler>();
        builder.Services.AddExceptionHandler<BadRequestHandler>();
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json => AutoDesignJson.Apply(json.SerializerOptions));

        bool requireKeys = settings.RequireApiKey || ListensBeyondLoopback(builder.Configuration["urls"]);
        builder.Services.AddApiKeyAuthentication(requireKeys);
        builder.Services.AddRequestLimits(settings.ExpensiveReadsPerMinute);

        var app = builder.Build();
        Database.Migrate(app.Services.GetRequiredService<IDbContextFactory<AutoDesignDb>>());
        if (requireKeys)
            app.Logger.LogInformation("Changes through the API need an API key (header {Header}); create one with `autodesign apikey create --name NAME`", ApiKeyAuthentication.Header);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapHealthChecks("/health");
        app.MapJobs();
        app.MapJobEvents();
        app.MapSweeps();
        app.MapTargets();
        app.MapModels();
        app.MapProfiling();
        app.MapCluster();
        app.MapCatalog();
        app.MapAutoDesignDashboard();
        return app;
    }

    /// <summary>Whether any of the URLs (as --urls gives them, ';'-separated) accepts connections from other machines.</summary>
    public static bool ListensBeyondLoopback(string? urls) =>
        (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Any(url =>
        {
            string host = url.Split("://", 2)[^1].Split('/')[0];
            host = host.StartsWith('[') ? host[..(host.IndexOf(']') + 1)] : host.Split(':')[0];
            return host is not ("127.0.0.1" or "localhost" or "[::1]");
        });
}
