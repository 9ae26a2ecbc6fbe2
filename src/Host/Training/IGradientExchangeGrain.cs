namespace AutoDesign.Host.Training;

/// <summary>The meeting point of one data-parallel run's workers, keyed by the run: an all-gather per round.</summary>
public interface IGradientExchangeGrain : IGrainWithStringKey
{
    /// <summary>Every worker's message of the round, in worker order, once all <paramref name="workers"/> have sent theirs.</summary>
    [ResponseTimeout("00:30:00")] // a worker may wait while worker 0 measures validation accuracy
    Task<byte[][]> AllGatherAsync(long round, int rank, int workers, byte[] message);

    /// <summary>Stops the run's exchange: its waiting workers, and any that call later, fail with the reason.</summary>
    Task StopAsync(string reason);
}
