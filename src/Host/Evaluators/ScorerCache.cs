using System.Collections.Concurrent;
using AutoDesign.Modeling;
using AutoDesign.Search.Jobs;
using AutoDesign.Host.Sharing;

namespace AutoDesign.Host.Evaluators;

/// <summary>
/// The scorers this silo's workers use, per job, built from its plan: building one loads the base model and data, so they are kept while
/// the job sends candidates and dropped after a while without any. A scorer serves one worker at a time.
/// </summary>
internal sealed class ScorerCache(SharedFiles shared, DataFolder folder, ILogger<ScorerCache> logger) : IDisposable
{
    private static readonly TimeSpan IdleLimit = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<Guid, Idle> _idle = new();

    private sealed class Idle
    {
        public ConcurrentBag<ICandidateScorer> Scorers { get; } = [];

        public DateTime LastUsed { get; set; } = DateTime.UtcNow;
    }

    public sealed class Lease(ScorerCache cache, Guid job, ICandidateScorer scorer) : IDisposable
    {
        public ICandidateScorer Scorer => scorer;

        public void Dispose() => cache.Return(job, scorer);
    }

    public async Task<Lease> Rent(EvaluationOrder order)
    {
        DropIdle();
        var idle = _idle.GetOrAdd(order.JobId, _ => new Idle());
        idle.LastUsed = DateTime.UtcNow;
        if (idle.Scorers.TryTake(out var scorer)) return new Lease(this, order.JobId, scorer);

        foreach (string directory in order.SharedDirectories) await shared.EnsureLocal(directory);
        logger.LogInformation("Building a scorer for job {Job}", order.JobId);
        return new Lease(this, order.JobId, await OwnThread.RunAsync(() => JobKinds.Of(order.Plan).CreateScorer(order.Plan, folder, logger, CancellationToken.None)));
    }

    public void Dispose()
    {
        foreach (var idle in _idle.Values)
            while (idle.Scorers.TryTake(out var scorer)) scorer.Dispose();
    }

    private void Return(Guid job, ICandidateScorer scorer)
    {
        var idle = _idle.GetOrAdd(job, _ => new Idle());
        idle.LastUsed = DateTime.UtcNow;
        idle.Scorers.Add(scorer);
    }

    private void DropIdle()
    {
        foreach (var (job, idle) in _idle)
            if (DateTime.UtcNow - idle.LastUsed > IdleLimit && _idle.TryRemove(job, out var dropped))
                while (dropped.Scorers.TryTake(out var scorer)) scorer.Dispose();
    }
}
