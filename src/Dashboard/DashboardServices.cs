using AutoDesign.Dashboard.Api;
using AutoDesign.Dashboard.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AutoDesign.Dashboard;

/// <summary>How a host serves the dashboard: interactive server components that talk to the host's REST API over HTTP.</summary>
public static class DashboardServices
{
    /// <param name="apiAddress">Where the REST API listens (known once the server has started).</param>
    public static IServiceCollection AddAutoDesignDashboard(this IServiceCollection services, Func<IServiceProvider, Uri> apiAddress)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddScoped<ApiKeySession>();
        services.AddHttpClient<IAutoDesignApi, HttpAutoDesignApi>((provider, client) =>
        {
            client.BaseAddress = apiAddress(provider);
            client.Timeout = TimeSpan.FromMinutes(2);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapAutoDesignDashboard(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
