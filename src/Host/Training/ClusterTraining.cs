using AutoDesign.Host.Placement;
using AutoDesign.Modeling.Distributed;

namespace AutoDesign.Host.Training;

/// <summary>
/// Runs a data-parallel training over silos of the cluster: a worker grain on each (the preferred silo first, as
/// worker 0) and an exchange grain per attempt. When a worker's silo is lost, the attempt's exchange is stopped, the
/// other workers stop where they are, and the run resumes from their last checkpoint on the silos that are active
/// then (those that joined get the current weights from worker 0): the run ends after the same steps as without the loss.
/// </summary>
public sealed class ClusterTraining(IGrainFactory grains, ILogger logger)
{
    public const int MaxAttempts = 5;

    private static readonly TimeSpan MembershipCheck = TimeSpan.FromSeconds(2);

    /// <summary>Trains on up to <paramref name="silos"/> silos; the epochs over all workers (the bytes all of them sent).</summary>
    public async Task<IReadOnlyList<DataParallelEpoch>> TrainAsync(TrainingAssignment run, int silos, string? preferredSilo, CancellationToken cancellation)
    {
        var lostSilos = new HashSet<string>();
        string call = Guid.NewGuid().ToString("N"); // a rerun of the run meets a fresh exchange
        for (int attempt = 0; ; attempt++)
        {
            var chosen = (await ActiveSilos()).Except(lostSilos).OrderBy(s => s != preferredSilo).Take(silos).ToList();
            if (chosen.Count == 0) throw new SiloUnavailableException($"run {run.Run}: no silo is left to train on");
            string exchangeKey = SiloBoundPlacement.KeyFor(chosen[0], $"{run.Run}#{call}-{attempt}");
            var exchange = grains.GetGrain<IGradientExchangeGrain>(exchangeKey);
            var workers = chosen.Select((silo, rank) => grains.GetGrain<ITrainingWorkerGrain>(ITrainingWorkerGrain.KeyFor(silo, run.Run, rank))
                .TrainAsync(run with { Rank = rank, Workers = chosen.Count, Exchange = exchangeKey })).ToList();
            using (cancellation.Register(() => _ = Stop(exchange, "the run was cancelled")))
            {
                var pending = new List<Task<IReadOnlyList<DataParallelEpoch>>>(workers);
                Exception? failure = null;
                async Task Fail(int rank, Exception error)
                {
                    pending.Remove(workers[rank]);
                    if (failure is not null) return;
                    failure = error;
                    await Stop(exchange, $"worker {rank} on {chosen[rank]} stopped: {error.Message}"); // the others wait for its messages
                }
                while (pending.Count > 0)
                {
                    var next = Task.WhenAny(pending);
                    if (await Task.WhenAny(next, Task.Delay(MembershipCheck, CancellationToken.None)) == next)
                    {
                        var done = await next;
                        if (done.IsFaulted) await Fail(workers.IndexOf(done), done.Exception!.GetBaseException());
                        else pending.Remove(done);
                        continue;
                    }
                    // A call to a silo that died may never come back: the cluster's membership says who is gone.
                    var active = await ActiveSilos();
                    foreach (int rank in Enumerable.Range(0, chosen.Count).Where(r => pending.Contains(workers[r]) && !active.Contains(chosen[r])))
                    {
                        _ = workers[rank].ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                        await Fail(rank, new SiloUnavailableException($"silo {chosen[rank]} left the cluster"));
                    }
                }
                cancellation.ThrowIfCancellationRequested();
                if (failure is null)
                {
                    await Stop(exchange, "the run is over");
                    return DataParallelEpoch.Combine([.. workers.Select(w => w.Result)]);
                }
                // Which silos are gone, the membership says (a survivor's call fails too when the exchange's silo dies).
                var gone = IsSiloLoss(failure) ? await GoneFrom(chosen) : [];
                if (gone.Count == 0 || attempt + 1 >= MaxAttempts) throw failure; // only a lost silo is worth another attempt
                lostSilos.UnionWith(gone);
                logger.LogWarning("Run {Run}: lost {Silos} ({Reason}); resuming from the last checkpoint on the silos left", run.Run, string.Join(", ", gone), failure.Message);
            }
        }
    }

    private async Task Stop(IGradientExchangeGrain exchange, string reason)
    {
        try { await exchange.StopAsync(reason); }
        catch (Exception e) when (IsSiloLoss(e)) { } // its silo is gone, and the calls waiting on it fail with it
    }

    // The chosen silos the membership no longer lists, once it has noticed (a minute at most).
    private async Task<IReadOnlyList<string>> GoneFrom(IReadOnlyList<string> chosen)
    {
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); ; await Task.Delay(MembershipCheck))
        {
            var active = await ActiveSilos();
            var gone = chosen.Where(s => !active.Contains(s)).ToList();
            if (gone.Count > 0 || clock.Elapsed > TimeSpan.FromMinutes(1)) return gone;
        }
    }

    private static bool IsSiloLoss(Exception e) => e is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException;

    private async Task<IReadOnlyList<string>> ActiveSilos()
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return [.. hosts.Keys.Select(s => s.ToParsableString()).Order()];
    }
}
