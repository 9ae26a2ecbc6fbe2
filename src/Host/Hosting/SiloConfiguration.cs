using System.Net;
using System.Net.Sockets;
using AutoDesign.Host.Clustering;
using AutoDesign.Host.GrainState;
using AutoDesign.Host.Placement;
using AutoDesign.Host.Reminders;
using AutoDesign.Storage;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;

namespace AutoDesign.Host.Hosting;

/// <summary>
/// How the co-hosted Orleans silo is set up: its cluster, with membership, reminders and grain state kept in the
/// service's database, and grains placed on the silo that owns what they stand for.
/// </summary>
internal static class SiloConfiguration
{
    public static void Configure(ISiloBuilder silo, ServiceOptions settings)
    {
        if (Database.IsPostgres(settings.Database))
        {
            // Silos sharing the database find each other through its membership table.
            silo.Configure<EndpointOptions>(endpoints =>
            {
                endpoints.AdvertisedIPAddress = IPAddress.TryParse(settings.AdvertisedAddress, out var address)
                    ? address
                    : Dns.GetHostAddresses(settings.AdvertisedAddress).First(a => a.AddressFamily == AddressFamily.InterNetwork);
                endpoints.SiloPort = settings.SiloPort;
                endpoints.GatewayPort = settings.GatewayPort;
            });
            silo.Services.AddSingleton<IMembershipTable, DatabaseMembershipTable>();
        }
        else silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);

        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = "autodesign";
            cluster.ServiceId = "autodesign";
        });
        silo.AddReminders();
        silo.Configure<ReminderOptions>(reminders =>
            reminders.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, settings.ReminderPeriod.Ticks)));
        silo.Services.AddSingleton<IReminderTable, DatabaseReminderTable>();

        silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (services, _) => ActivatorUtilities.CreateInstance<DatabaseGrainStorage>(services));
        silo.AddPlacementDirector<SiloBoundPlacement, SiloBoundPlacementDirector>();
        AddEngineSerializer(silo.Services);
        // A call to another silo's evaluators lasts as long as a candidate's evaluation; a silo that dies fails its
        // calls as soon as the cluster notices, so a long timeout costs nothing there.
        silo.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = settings.EvaluationTimeout);
    }

    /// <summary>
    /// The engine's records that cross grain calls (plans, candidates, specs, cost reports) are written with
    /// System.Text.Json by the shared rules, as the API writes them; the service's own messages have Orleans codecs.
    /// </summary>
    public static void AddEngineSerializer(IServiceCollection services) =>
        services.AddSerializer(serializer => serializer.AddJsonSerializer(IsEngineRecord, jsonSerializerOptions: AutoDesignJson.Options));

    private static bool IsEngineRecord(Type type) =>
        type.Assembly.GetName().Name is { } assembly && assembly.StartsWith("AutoDesign.", StringComparison.Ordinal) && assembly != "AutoDesign.Host"
        && !type.IsDefined(typeof(GenerateSerializerAttribute), inherit: false);
}
