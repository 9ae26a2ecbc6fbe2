using Orleans.Concurrency;

namespace AutoDesign.Host.Evaluators;

[Placement.SiloBoundPlacement, Reentrant] // many jobs' candidates pass through at once; the workers bound the work
internal sealed class SiloEvaluatorsGrain : Grain, ISiloEvaluatorsGrain
{
    public Task<CandidateResult> ScoreAsync(EvaluationOrder order) => GrainFactory.GetGrain<IEvaluatorGrain>(0).ScoreAsync(order);
}
