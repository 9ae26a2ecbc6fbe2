using AutoDesign.Host.Jobs;
using Orleans.Concurrency;

namespace AutoDesign.Host.Evaluators;

/// <summary>
/// Scores candidates with a scorer built from the job's plan (kept by <see cref="ScorerCache"/> between calls). Each
/// activation scores one candidate at a time, off the grain's scheduler; Orleans keeps at most one activation per core.
/// </summary>
[StatelessWorker]
internal sealed class EvaluatorGrain(ScorerCache scorers, ILocalSiloDetails silo) : Grain, IEvaluatorGrain
{
    public async Task<CandidateResult> ScoreAsync(EvaluationOrder order)
    {
        var result = await Task.Run(async () =>
        {
            using var lease = await scorers.Rent(order);
            return lease.Scorer.Score(order.Index, order.Actions);
        });
        return result with { EvaluatedOn = JobRunner.SiloName(silo) };
    }
}
