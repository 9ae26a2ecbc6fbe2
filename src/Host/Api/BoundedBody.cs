using System.Text;

namespace AutoDesign.Host.Api;

/// <summary>Reads a request body as text, refusing one larger than a limit before and while it arrives.</summary>
internal static class BoundedBody
{
    public sealed class TooLargeException(int limit) : Exception($"the request body is larger than {limit:N0} bytes")
    {
        public int Limit { get; } = limit;
    }

    public static async Task<string> ReadText(HttpRequest request, int limit, CancellationToken cancellation)
    {
        if (request.ContentLength > limit) throw new TooLargeException(limit);
        var buffer = new byte[limit + 1];
        int read = 0, n;
        while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read), cancellation)) > 0) read += n;
        if (read > limit) throw new TooLargeException(limit);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }
}
