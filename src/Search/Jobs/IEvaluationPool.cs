namespace AutoDesign.Search.Jobs;

/// <summary>One candidate to score: its index in the job, the actions its agent took, and the reward to beat (see <see cref="ICandidateScorer.Score"/>).</summary>
public sealed record EvaluationRequest(int Index, IReadOnlyList<double> Actions, double? Bar = null);

/// <summary>
/// Where a job's candidates are scored: in the job's own process by default; the service spreads a batch over the
/// workers of every silo. Results come back in the order of the requests.
/// </summary>
public interface IEvaluationPool
{
    Task<IReadOnlyList<CandidateResult>> EvaluateAsync(IReadOnlyList<EvaluationRequest> requests, CancellationToken cancellation);
}

/// <summary>Scores candidates one after another with the job's own scorer, each on a thread of its own.</summary>
public sealed class LocalEvaluations(ICandidateScorer scorer) : IEvaluationPool
{
    public async Task<IReadOnlyList<CandidateResult>> EvaluateAsync(IReadOnlyList<EvaluationRequest> requests, CancellationToken cancellation)
    {
        var results = new List<CandidateResult>(requests.Count);
        foreach (var request in requests)
        {
            cancellation.ThrowIfCancellationRequested();
            results.Add(await OwnThread.RunAsync(() => scorer.Score(request.Index, request.Actions, request.Bar)));
        }
        return results;
    }
}
