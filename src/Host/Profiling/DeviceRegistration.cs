using AutoDesign.HardwareProfiler.Devices;
using AutoDesign.Host.Jobs;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;

namespace AutoDesign.Host.Profiling;

/// <summary>At start-up, records the devices this silo owns, replacing what an earlier run of the silo recorded.</summary>
internal sealed class DeviceRegistration(IDbContextFactory<AutoDesignDb> databases, ILocalSiloDetails silo, ILogger<DeviceRegistration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellation)
    {
        string name = JobRunner.SiloName(silo);
        string endpoint = silo.SiloAddress.Endpoint.ToString();
        var devices = ComputeDevices.Detect();
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var stale = await db.Devices.Where(d => d.Silo.StartsWith(endpoint + "@")).ToListAsync(cancellation); // same endpoint, earlier generation
        db.Devices.RemoveRange(stale);
        db.Devices.AddRange(devices.Select(d => new DeviceRecord
        {
            Id = $"{name}/{d.Name}", Silo = name, Name = d.Name, Kind = d.Kind, Description = d.Description, Threads = d.Threads, RegisteredAt = DateTime.UtcNow,
        }));
        await db.SaveChangesAsync(cancellation);
        logger.LogInformation("Silo {Silo} registered {Devices}", name, string.Join(", ", devices.Select(d => d.Name)));
    }

    public Task StopAsync(CancellationToken cancellation) => Task.CompletedTask;
}
