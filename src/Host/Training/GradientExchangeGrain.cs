using AutoDesign.Modeling.Distributed;
using Orleans.Concurrency;

namespace AutoDesign.Host.Training;

/// <summary>
/// Holds a round's messages until every worker has sent; reentrant, since each call waits for the others. A worker
/// that asks again for the last finished round (a retried call) gets the same answer. It lives on the silo its key
/// names, worker 0's: a worker whose call fails for a lost silo then stands for that silo.
/// </summary>
[Placement.SiloBoundPlacement, Reentrant]
internal sealed class GradientExchangeGrain : Grain, IGradientExchangeGrain
{
    private ExchangeRounds? _rounds;

    public Task<byte[][]> AllGatherAsync(long round, int rank, int workers, byte[] message)
    {
        _rounds ??= new ExchangeRounds(workers);
        if (_rounds.Workers != workers && !_rounds.Stopped)
            throw new ArgumentException($"this run has {_rounds.Workers} workers, the caller counts {workers}", nameof(workers));
        return _rounds.Send(round, rank, message);
    }

    public Task StopAsync(string reason)
    {
        // Kept active (until idle collection) so that a worker busy between rounds meets the stop on its next call: a
        // fresh activation would wait for its partners' messages for ever.
        (_rounds ??= new ExchangeRounds(1)).Stop(reason);
        return Task.CompletedTask;
    }
}
