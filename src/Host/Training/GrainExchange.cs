using AutoDesign.Modeling.Distributed;

namespace AutoDesign.Host.Training;

/// <summary>A worker's side of the cluster's exchange: each round is a call to the run's exchange grain, awaited on the worker's own thread.</summary>
internal sealed class GrainExchange(IGradientExchangeGrain grain, int workers) : IGradientExchange
{
    public IReadOnlyList<byte[]> AllGather(long round, int rank, byte[] message, CancellationToken cancellation)
    {
        return grain.AllGatherAsync(round, rank, workers, message).WaitAsync(cancellation).GetAwaiter().GetResult();
    }
}
