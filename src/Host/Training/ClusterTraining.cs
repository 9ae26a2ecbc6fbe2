using AutoDesign.Host.Placement;
using AutoDesign.Modeling.Distributed;

namespace AutoDesign.Host.Training;

/// <summary>
/// Runs a data-parallel training over silos of the cluster: a worker grain on each (the preferred silo first, as
/// worker 0), and per attempt an exchange grain and a progress grain on worker 0's silo. When a worker's silo is lost,
/// the attempt's exchange is stopped, the other workers stop where they are, and the run resumes from their last
/// checkpoint on the silos that are active then (those that joined get the current weights from worker 0): the run
/// ends after the same steps as without the loss. A silo that joins a run short of workers is taken in after the next
/// epoch the same way.
/// </summary>
public sealed class ClusterTraining(IGrainFactory grains, ILogger logger, string? preferredSilo = null) : IDataParallelTraining
{
    /// <summary>How many losses of silos a run survives.</summary>
    public const int MaxLosses = 4;

    private static readonly TimeSpan MembershipCheck = TimeSpan.FromSeconds(2);

    /// <summary>Trains on up to <see cref="DataParallelRun.Workers"/> silos; the epochs over all workers (the bytes all of them sent).</summary>
    public async Task<IReadOnlyList<DataParallelEpoch>> TrainAsync(DataParallelRun run, Func<DataParallelEpoch, Task> onEpoch, CancellationToken cancellation)
    {
        if (run.Problem() is { } problem) throw new ArgumentException(problem, nameof(run));
        var lostSilos = new HashSet<string>(); // lost, or failed as newcomers: not asked again
        var newcomers = new HashSet<string>(); // taken in by the last join
        string call = Guid.NewGuid().ToString("N"); // a rerun of the run meets a fresh exchange
        int handedOn = 0; // the last epoch given to onEpoch
        async Task HandOn(IEnumerable<DataParallelEpoch> epochs)
        {
            foreach (var epoch in epochs.Where(e => e.Epoch > handedOn).OrderBy(e => e.Epoch))
            {
                await onEpoch(epoch);
                handedOn = epoch.Epoch;
            }
        }

        // Epochs all workers finished; best effort, as its silo may be gone (their epochs come back with the workers' calls).
        async Task Collect(ITrainingProgressGrain progress)
        {
            try { await HandOn(await progress.FinishedAfterAsync(handedOn)); }
            catch (Exception e) when (IsSiloLoss(e) || e is TimeoutException) { }
        }

        for (int attempt = 0, losses = 0; ; attempt++)
        {
            var chosen = (await ActiveSilos()).Except(lostSilos).OrderBy(s => s != preferredSilo).Take(run.Workers).ToList();
            if (chosen.Count == 0) throw new SiloUnavailableException($"run {run.Name}: no silo is left to train on");
            string attemptKey = SiloBoundPlacement.KeyFor(chosen[0], $"{run.Name}#{call}-{attempt}");
            var exchange = grains.GetGrain<IGradientExchangeGrain>(attemptKey);
            var progress = grains.GetGrain<ITrainingProgressGrain>(attemptKey + "/progress");
            var workers = chosen.Select((silo, rank) => grains.GetGrain<ITrainingWorkerGrain>(ITrainingWorkerGrain.KeyFor(silo, run.Name, rank))
                .TrainAsync(new TrainingAssignment(run, rank, chosen.Count, attemptKey, attemptKey + "/progress"))).ToList();
            using (cancellation.Register(() => _ = Stop(exchange, "the run was cancelled")))
            {
                var pending = new List<Task<IReadOnlyList<DataParallelEpoch>>>(workers);
                Exception? failure = null;
                bool joining = false;
                int? joinSeenAfter = null; // the last epoch handed on when a silo was seen to join
                string? failedSilo = null;
                async Task Fail(int rank, Exception error)
                {
                    pending.Remove(workers[rank]);
                    if (failure is not null) return;
                    (failure, failedSilo) = (error, chosen[rank]);
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
                    if (failure is null)
                        try { await Collect(progress); }
                        catch (Exception e)
                        {
                            await Stop(exchange, $"the run's watcher failed: {e.Message}");
                            throw;
                        }
                    // A call to a silo that died may never come back: the cluster's membership says who is gone.
                    var active = await ActiveSilos();
                    foreach (int rank in Enumerable.Range(0, chosen.Count).Where(r => pending.Contains(workers[r]) && !active.Contains(chosen[r])))
                    {
                        _ = workers[rank].ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                        await Fail(rank, new SiloUnavailableException($"silo {chosen[rank]} left the cluster"));
                    }
                    // A silo that joined a run with fewer workers than it asked for is taken in once the next epoch has
                    // ended (everyone holds its checkpoint): the attempt stops there and the run resumes with it.
                    if (failure is null && chosen.Count < run.Workers && active.Except(chosen).Except(lostSilos).Any())
                    {
                        joinSeenAfter ??= handedOn;
                        if (handedOn > joinSeenAfter)
                        {
                            joining = true;
                            newcomers = [.. active.Except(chosen).Except(lostSilos)];
                            failure = new SiloUnavailableException("a silo joined"); // what the workers stopped for; they are not retried for it
                            await Stop(exchange, $"a silo joined: the run resumes with it after epoch {handedOn}");
                        }
                    }
                }
                await Collect(progress); // what ended before the attempt stopped, lest it be lost with this attempt
                _ = Close(progress);
                cancellation.ThrowIfCancellationRequested();
                if (workers.All(w => w.IsCompletedSuccessfully)) // the last epoch may have ended as a silo joined
                {
                    await Stop(exchange, "the run is over");
                    var epochs = DataParallelEpoch.Combine([.. workers.Select(w => w.Result)]);
                    await HandOn(epochs);
                    return epochs;
                }
                if (failure is null or OperationCanceledException) // not the run's cancellation: that was thrown above
                    failure = new InvalidOperationException($"run {run.Name}: a worker's call was cancelled", failure);
                if (joining)
                {
                    logger.LogInformation("Run {Run}: a silo joined; resuming after epoch {Epoch} with it", run.Name, handedOn);
                    continue;
                }
                if (failedSilo is not null && newcomers.Contains(failedSilo) && !IsSiloLoss(failure))
                {
                    // A newcomer that cannot train (no data set there, say) is left out rather than failing the run.
                    logger.LogWarning("Run {Run}: silo {Silo}, which had just joined, failed ({Reason}); resuming without it", run.Name, failedSilo, failure.Message);
                    lostSilos.Add(failedSilo);
                    newcomers.Clear();
                    continue;
                }
                newcomers.Clear();
                // Which silos are gone, the membership says (a survivor's call fails too when the exchange's silo dies).
                var gone = IsSiloLoss(failure) ? await GoneFrom(chosen) : [];
                if (gone.Count == 0 || ++losses > MaxLosses) throw failure; // only a lost silo is worth another attempt
                lostSilos.UnionWith(gone);
                logger.LogWarning("Run {Run}: lost {Silos} ({Reason}); resuming from the last checkpoint on the silos left", run.Name, string.Join(", ", gone), failure.Message);
            }
        }
    }

    /// <summary>Deletes the run's checkpoints on every active silo (a silo that is down keeps its own); best effort: a failure is logged.</summary>
    public async Task ForgetAsync(string run)
    {
        try
        {
            foreach (string silo in await ActiveSilos())
                try { await grains.GetGrain<ITrainingWorkerGrain>(ITrainingWorkerGrain.KeyFor(silo, run, 0)).ForgetAsync(run); }
                catch (Exception e)
                {
                    logger.LogWarning("Run {Run}'s checkpoints on {Silo} could not be deleted: {Reason}", run, silo, e.Message);
                }
        }
        catch (Exception e)
        {
            logger.LogWarning("Run {Run}'s checkpoints could not be deleted: {Reason}", run, e.Message);
        }
    }

    private static async Task Stop(IGradientExchangeGrain exchange, string reason)
    {
        try { await exchange.StopAsync(reason); }
        catch (Exception e) when (IsSiloLoss(e)) { } // its silo is gone, and the calls waiting on it fail with it
    }

    private static async Task Close(ITrainingProgressGrain progress)
    {
        try { await progress.CloseAsync(); }
        catch (Exception e) when (IsSiloLoss(e)) { }
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
