namespace AutoDesign.Modeling.Distributed;

/// <summary>The exchange between workers of one process (threads): what the cluster's exchange grain does, without the network.</summary>
public sealed class InProcessExchange(int workers) : IGradientExchange
{
    private readonly ExchangeRounds _rounds = new(workers);

    public IReadOnlyList<byte[]> AllGather(long round, int rank, byte[] message, CancellationToken cancellation)
    {
        Task<byte[][]> all;
        lock (_rounds) all = _rounds.Send(round, rank, message);
        return all.WaitAsync(cancellation).GetAwaiter().GetResult();
    }
}
