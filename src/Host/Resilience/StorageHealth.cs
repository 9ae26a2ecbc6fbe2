using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AutoDesign.Host.Resilience;

/// <summary>
/// Whether the storage took the service's last writes: a fault turns <c>/health</c> Unhealthy with its cause until a
/// write succeeds again (jobs it failed are resumed then, see <see cref="StorageRecovery"/>).
/// </summary>
public sealed class StorageHealth : IHealthCheck
{
    private volatile string? _fault;

    public bool IsFaulted => _fault is not null;

    public void Faulted(string cause) => _fault = cause;

    public void Recovered() => _fault = null;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_fault is { } cause ? HealthCheckResult.Unhealthy($"storage: {cause}") : HealthCheckResult.Healthy());
}
