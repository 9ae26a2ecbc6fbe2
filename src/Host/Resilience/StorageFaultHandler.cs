using System.Globalization;
using AutoDesign.Host.Hosting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace AutoDesign.Host.Resilience;

/// <summary>A request the storage could not serve (a database that cannot be read or written) is a 503 naming the cause, not a 500; <c>/health</c> reports it too.</summary>
internal sealed class StorageFaultHandler(StorageHealth health, IOptions<ServiceOptions> options) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (StorageFaults.Cause(exception) is not { } cause) return false;
        health.Faulted(cause);
        context.Response.Headers.RetryAfter = Math.Ceiling(options.Value.StorageRetryPeriod.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        await TypedResults.Problem($"the storage failed: {cause}", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage unavailable").ExecuteAsync(context);
        return true;
    }
}
