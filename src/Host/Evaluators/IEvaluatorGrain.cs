using AutoDesign.Search.Jobs;

namespace AutoDesign.Host.Evaluators;

/// <summary>What a worker needs to score one candidate of a job: the job and its plan, the candidate, and the shared folders its scorer reads.</summary>
[GenerateSerializer, Immutable]
public sealed record EvaluationOrder(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] JobPlan Plan,
    [property: Id(2)] int Index,
    [property: Id(3)] double[] Actions,
    [property: Id(4)] string[] SharedDirectories);

/// <summary>A stateless worker that scores one candidate at a time; a silo runs at most one per core.</summary>
public interface IEvaluatorGrain : IGrainWithIntegerKey
{
    /// <summary>The scored candidate, with the silo that scored it.</summary>
    Task<CandidateResult> ScoreAsync(EvaluationOrder order);
}

/// <summary>The evaluation workers of one silo, keyed by the silo and placed on it: how a job reaches another silo's workers.</summary>
public interface ISiloEvaluatorsGrain : IGrainWithStringKey
{
    Task<CandidateResult> ScoreAsync(EvaluationOrder order);
}
