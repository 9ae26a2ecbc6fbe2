using AutoDesign.Host.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AutoDesign.Host.Tests.Service;

/// <summary>The real service (Kestrel on a free loopback port, one silo, SQLite) on a private data folder.</summary>
internal sealed class TestService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestService(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestService> Start(string dataDirectory, params string[] settings)
    {
        var app = ServiceHost.Build(
        [
            "--urls", "http://127.0.0.1:0",
            $"--AutoDesign:DataDirectory={dataDirectory}",
            $"--AutoDesign:SiloPort={FreePorts.Next()}",
            $"--AutoDesign:GatewayPort={FreePorts.Next()}",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ]);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestService(app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
