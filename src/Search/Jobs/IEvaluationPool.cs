namespace AutoDesign.Search.Jobs;

/// <summary>One candidate to score: its index in the job and the actions its agent took.</summary>
public sealed record EvaluationRequest(int Index, IReadOnlyList<double> Actions);

/// <summary>
/// Where a job's candidates are scored: in the job's own process by default; the service spreads a batch over the
/// workers of every silo. Results come back in the order of the requests.
/// </summary>
public interface IEvaluationPool
{
    IReadOnlyList<CandidateResult> Evaluate(IReadOnlyList<EvaluationRequest> requests, CancellationToken cancellation);
}

/// <summary>Scores candidates one after another with the job's own scorer.</summary>
public sealed class LocalEvaluations(ICandidateScorer scorer) : IEvaluationPool
{
    public IReadOnlyList<CandidateResult> Evaluate(IReadOnlyList<EvaluationRequest> requests, CancellationToken cancellation) =>
        requests.Select(r =>
        {
            cancellation.ThrowIfCancellationRequested();
            return scorer.Score(r.Index, r.Actions);
        }).ToList();
}
