using AutoDesign.Modeling.Distributed;
using Orleans.Concurrency;

namespace AutoDesign.Host.Training;

/// <inheritdoc cref="ITrainingProgressGrain"/>
[Placement.SiloBoundPlacement, Reentrant]
internal sealed class TrainingProgressGrain : Grain, ITrainingProgressGrain
{
    // By epoch and by the attempt's number of workers (each report carries it): a resumed attempt's reports never mix with the lost one's.
    private readonly Dictionary<(int Epoch, int Workers), Dictionary<int, DataParallelEpoch>> _reports = [];

    public Task ReportAsync(int rank, DataParallelEpoch epoch)
    {
        if (rank < 0 || rank >= epoch.Workers) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"workers are numbered 0 to {epoch.Workers - 1}");
        var key = (epoch.Epoch, epoch.Workers);
        if (!_reports.TryGetValue(key, out var ranks)) _reports[key] = ranks = [];
        ranks[rank] = epoch;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DataParallelEpoch>> FinishedAfterAsync(int after)
    {
        var finished = _reports.Where(r => r.Key.Epoch > after && r.Value.Count == r.Key.Workers)
            .GroupBy(r => r.Key.Epoch).OrderBy(g => g.Key)
            .Select(g => DataParallelEpoch.Combine([.. g.First().Value.OrderBy(r => r.Key).Select(r => r.Value)]))
            .ToList();
        // Without a gap: an epoch waits for the one before it (a resumed attempt starts after its checkpoint, which may be past after).
        int last = finished.Count == 0 ? 0 : finished[0].Epoch;
        return Task.FromResult<IReadOnlyList<DataParallelEpoch>>([.. finished.TakeWhile(e => e.Epoch == last++)]);
    }

    public Task CloseAsync()
    {
        _reports.Clear();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
