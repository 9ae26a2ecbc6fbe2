using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace AutoDesign.Host.Security;

/// <summary>
/// How many expensive reads (<see cref="ApiKeyAuthentication.ExpensivePolicy"/>) one client may make: a bucket of
/// <c>AutoDesign:ExpensiveReadsPerMinute</c> per API key, or per address for callers without one; beyond it a 429
/// problem with <c>Retry-After</c>.
/// </summary>
internal static class RequestLimits
{
    public static IServiceCollection AddRequestLimits(this IServiceCollection services, int perMinute)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(ApiKeyAuthentication.ExpensivePolicy, context => RateLimitPartition.GetTokenBucketLimiter(ClientOf(context), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute,
                TokensPerPeriod = perMinute,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
            limiter.OnRejected = async (rejected, cancellation) =>
            {
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                int seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem($"at most {perMinute} profiling, layer and export requests a minute per client; retry in {seconds} s",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(rejected.HttpContext);
            };
        });
        return services;
    }

    private static string ClientOf(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } key } ? "key:" + key : "address:" + context.Connection.RemoteIpAddress;
}
