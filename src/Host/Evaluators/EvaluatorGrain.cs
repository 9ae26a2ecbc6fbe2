using AutoDesign.Search.Jobs;
using AutoDesign.Host.Jobs;
using Orleans.Concurrency;

namespace AutoDesign.Host.Evaluators;

/// <summary>
/// Scores candidates with a scorer built from the job's plan (kept by <see cref="ScorerCache"/> between calls). Each
/// activation scores one candidate at a time on a thread of its own, off the grain's scheduler; Orleans keeps at most one activation per core.
/// </summary>
[StatelessWorker]
internal sealed class EvaluatorGrain(ScorerCache scorers, ILocalSiloDetails silo) : Grain, IEvaluatorGrain
{
    public async Task<CandidateResult> ScoreAsync(EvaluationOrder order)
    {
        using var lease = await scorers.Rent(order);
        var result = await OwnThread.RunAsync(() => lease.Scorer.Score(order.Index, order.Actions, order.Bar));
        return result with { EvaluatedOn = JobRunner.SiloName(silo) };
    }
}
