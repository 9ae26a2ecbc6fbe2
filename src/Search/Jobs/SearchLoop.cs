using System.Diagnostics;
using AutoDesign.Search.Agents;

namespace AutoDesign.Search.Jobs;

/// <summary>What the ask/tell loop of a job produced.</summary>
/// <param name="Evaluations">Distinct policies evaluated by the whole job, resumed runs included.</param>
/// <param name="EvaluationsPerSecond">Over the evaluations of this run alone.</param>
public sealed record SearchLoopResult(IReadOnlyList<CandidateResult> Candidates, int Evaluations, double EvaluationsPerSecond);

/// <summary>
/// The ask/tell loop every job kind shares. The agent is asked for a batch of candidates (one by default, as AMC
/// and HAQ run episodes), the batch's distinct new policies are scored together by the evaluation pool (in parallel
/// where the pool can), the agent is told every reward, and the batch is journaled with the agent's state after it. A
/// policy seen before gets the earlier figures under its own index, so each distinct policy is evaluated once; a
/// resumed job continues from its journal.
/// </summary>
public static class SearchLoop
{
    public static SearchLoopResult Run(
        ISearchAgent agent,
        int episodes,
        int batchSize,
        ICandidateScorer scorer,
        IEvaluationPool evaluations,
        IJobJournal journal,
        double? budgetLimit,
        Action<SearchProgress>? progress,
        CancellationToken cancellation)
    {
        var candidates = new List<CandidateResult>();
        var evaluated = new Dictionary<string, CandidateResult>();
        if (journal.Load() is { } checkpoint)
        {
            agent.Restore(checkpoint.AgentState);
            foreach (var earlier in checkpoint.Candidates)
            {
                candidates.Add(earlier);
                evaluated.TryAdd(KeyOf(earlier.Policy), earlier);
            }
        }

        int evaluatedNow = 0;
        var evaluationTime = new Stopwatch();
        while (candidates.Count < episodes)
        {
            cancellation.ThrowIfCancellationRequested();
            int first = candidates.Count;
            var asked = agent.Ask(Math.Min(batchSize, episodes - first));
            var keys = asked.Select(c => KeyOf(scorer.Describe(c.Actions))).ToList();

            var requests = new List<EvaluationRequest>();
            var requested = new HashSet<string>();
            for (int i = 0; i < asked.Count; i++)
                if (!evaluated.ContainsKey(keys[i]) && requested.Add(keys[i])) requests.Add(new EvaluationRequest(first + i, asked[i].Actions));
            if (requests.Count > 0)
            {
                evaluationTime.Start();
                foreach (var result in evaluations.Evaluate(requests, cancellation)) evaluated[KeyOf(result.Policy)] = result;
                evaluationTime.Stop();
                evaluatedNow += requests.Count;
            }

            var batch = Enumerable.Range(0, asked.Count).Select(i => evaluated[keys[i]] with { Index = first + i }).ToList();
            agent.Tell([.. asked.Zip(batch, (candidate, result) => new Scored(candidate, result.Reward))]);
            candidates.AddRange(batch);
            journal.Record(batch, agent);
            double best = candidates.Max(c => c.Accuracy);
            foreach (var result in batch)
                progress?.Invoke(new SearchProgress(result.Index + 1, episodes, best, result.Accuracy, result.ConstrainedValue, budgetLimit, result));
        }
        double seconds = evaluationTime.Elapsed.TotalSeconds;
        return new SearchLoopResult(candidates, evaluated.Count, seconds > 0 ? evaluatedNow / seconds : 0);
    }

    private static string KeyOf(IReadOnlyList<PolicyEntry> policy) =>
        string.Join(";", policy.Select(p => $"{p.Layer}:{p.Channels}:{p.WBits}:{p.ABits}"));
}
