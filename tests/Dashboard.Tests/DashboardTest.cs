using AutoDesign.Dashboard.Api;
using Bunit;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Microsoft.Extensions.DependencyInjection;

namespace AutoDesign.Dashboard.Tests;

/// <summary>bUnit with the dashboard's services: a fake API, the session's key store, and loose JS interop (plotly draws nothing here).</summary>
public abstract class DashboardTest : BunitContext
{
    private protected FakeApi Api { get; } = new();

    protected DashboardTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddDataProtection();
        Services.AddScoped<ProtectedSessionStorage>();
        Services.AddScoped<ApiKeySession>();
        Services.AddSingleton<IAutoDesignApi>(Api);
    }
}
