namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// How data-parallel workers trade messages: each sends its own for a round and gets every worker's, in worker order,
/// once all have sent theirs. Every worker goes through the same rounds in the same order.
/// </summary>
public interface IGradientExchange
{
    IReadOnlyList<byte[]> AllGather(long round, int rank, byte[] message, CancellationToken cancellation);
}
