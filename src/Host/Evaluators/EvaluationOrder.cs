using AutoDesign.Search.Jobs;

namespace AutoDesign.Host.Evaluators;

/// <summary>What a worker needs to score one candidate of a job: the job and its plan, the candidate, and the shared folders its scorer reads.</summary>
[GenerateSerializer, Immutable]
public sealed record EvaluationOrder(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] JobPlan Plan,
    [property: Id(2)] int Index,
    [property: Id(3)] double[] Actions,
    [property: Id(4)] string[] SharedDirectories,
    [property: Id(5)] double? Bar = null);
