namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// A slower network between the workers than the one they have: after each round, the worker waits as long as its
/// link would have taken to send its message and receive the others' (bytes at the link's bandwidth, one latency
/// each way). Every worker waits its own time at once, so a round lasts as long as its slowest worker's transfer.
/// </summary>
public sealed class EmulatedLink : IGradientExchange
{
    private readonly IGradientExchange inner;
    private readonly double bitsPerSecond;
    private readonly TimeSpan latency;

    public EmulatedLink(IGradientExchange inner, double bitsPerSecond, TimeSpan latency)
    {
        if (!(bitsPerSecond > 0) || double.IsInfinity(bitsPerSecond))
            throw new ArgumentOutOfRangeException(nameof(bitsPerSecond), bitsPerSecond, "linkBitsPerSecond: must be a positive number");
        if (latency < TimeSpan.Zero || latency > TimeSpan.FromMinutes(1))
            throw new ArgumentOutOfRangeException(nameof(latency), latency, "linkLatency: must be between 0 and one minute");
        (this.inner, this.bitsPerSecond, this.latency) = (inner, bitsPerSecond, latency);
    }

    /// <summary>How long this worker has waited for the link so far.</summary>
    public TimeSpan Waited { get; private set; }

    public IReadOnlyList<byte[]> AllGather(long round, int rank, byte[] message, CancellationToken cancellation)
    {
        var all = inner.AllGather(round, rank, message, cancellation);
        var transfer = TransferTime(all.Sum(m => (long)m.Length), bitsPerSecond, latency);
        if (cancellation.WaitHandle.WaitOne(transfer)) cancellation.ThrowIfCancellationRequested();
        Waited += transfer;
        return all;
    }

    /// <summary>Sending and receiving <paramref name="bytes"/> in all over the link.</summary>
    public static TimeSpan TransferTime(long bytes, double bitsPerSecond, TimeSpan latency) =>
        2 * latency + TimeSpan.FromSeconds(bytes * 8 / bitsPerSecond);
}
