using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AutoDesign.Host.Security;

/// <summary>
/// Authenticates a request by its API key, sent as <c>X-Api-Key: KEY</c> or <c>Authorization: Bearer KEY</c>. Requests
/// without a key stay anonymous; the <see cref="MutatePolicy"/> decides whether that is enough.
/// </summary>
internal sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string MutatePolicy = "mutate";

    /// <summary>Reads that cost the service real work (profiling a network, a candidate's layer table, an export): they need a key where changes do.</summary>
    public const string ExpensivePolicy = "expensive";

    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = Request.Headers[Header].FirstOrDefault();
        string? authorization = Request.Headers.Authorization.FirstOrDefault();
        if (presented is null && authorization?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true) presented = authorization["Bearer ".Length..].Trim();
        if (presented is null) return AuthenticateResult.NoResult();
        string? name = await keys.Check(presented, Context.RequestAborted);
        if (name is null) return AuthenticateResult.Fail("the API key is not valid");
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{Header}\"";
        return Task.CompletedTask;
    }
}

internal static class ApiKeyAuthenticationSetup
{
    /// <summary>API-key authentication, and the policy changes go through: a valid key when <paramref name="required"/>, else anyone.</summary>
    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services, bool required)
    {
        services.AddSingleton<ApiKeys>();
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorization(authorization =>
        {
            foreach (string name in new[] { ApiKeyAuthentication.MutatePolicy, ApiKeyAuthentication.ExpensivePolicy })
                authorization.AddPolicy(name, policy =>
                {
                    if (required) policy.RequireAuthenticatedUser();
                    else policy.RequireAssertion(_ => true); // on loopback only, no key is needed unless asked for
                });
        });
        return services;
    }
}
