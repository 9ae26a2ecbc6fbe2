namespace AutoDesign.Host.Security;

internal static class ExpensiveEndpoints
{
    /// <summary>Marks an endpoint as an expensive read: a key where changes need one, and the per-client rate limit.</summary>
    public static RouteHandlerBuilder Expensive(this RouteHandlerBuilder endpoint) =>
        endpoint.RequireAuthorization(ApiKeyAuthentication.ExpensivePolicy).RequireRateLimiting(ApiKeyAuthentication.ExpensivePolicy);
}
