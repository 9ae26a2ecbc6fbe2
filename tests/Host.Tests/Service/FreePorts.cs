using System.Net;
using System.Net.Sockets;

namespace AutoDesign.Host.Tests.Service;

internal static class FreePorts
{
    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
