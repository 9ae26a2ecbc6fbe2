using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AutoDesign.Host.Hosting;

/// <summary>Where this process's REST API can be reached from the process itself (the dashboard is its client).</summary>
internal static class ApiAddress
{
    public static Uri Of(IServer server)
    {
        string address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                         ?? throw new InvalidOperationException("the server has no address yet");
        var uri = new UriBuilder(address.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        if (uri.Host is "0.0.0.0") uri.Host = "127.0.0.1";
        else if (uri.Host is "[::]" or "::") uri.Host = "[::1]";
        return uri.Uri;
    }
}
