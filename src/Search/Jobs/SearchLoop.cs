using System.Diagnostics;
using AutoDesign.Search.Agents;

namespace AutoDesign.Search.Jobs;

/// <summary>What the ask/tell loop of a job produced.</summary>
/// <param name="Evaluations">Distinct policies evaluated by the whole job, resumed runs included.</param>
/// <param name="EvaluationsPerSecond">Over the evaluations of this run alone.</param>
public sealed record SearchLoopResult(IReadOnlyList<CandidateResult> Candidates, int Evaluations, double EvaluationsPerSecond);

/// <summary>
/// The ask/tell loop every job kind shares: one candidate per episode, each distinct policy evaluated once (a repeat
/// gets the earlier figures under its own index), every candidate journaled with the agent's state after it, and a
/// resumed job continuing from its journal.
/// </summary>
public static class SearchLoop
{
    public static SearchLoopResult Run<TPolicy>(
        ISearchAgent agent,
        int episodes,
        Func<Candidate, TPolicy> policyOf,
        Func<TPolicy, IReadOnlyList<PolicyEntry>> describe,
        Func<int, TPolicy, IReadOnlyList<PolicyEntry>, CandidateResult> evaluate,
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
        for (int episode = candidates.Count; episode < episodes; episode++)
        {
            cancellation.ThrowIfCancellationRequested();
            var candidate = agent.Ask(1)[0];
            var policy = policyOf(candidate);
            var entries = describe(policy);
            string key = KeyOf(entries);
            if (evaluated.TryGetValue(key, out var earlier))
                earlier = earlier with { Index = episode };
            else
            {
                evaluationTime.Start();
                evaluated[key] = earlier = evaluate(episode, policy, entries);
                evaluationTime.Stop();
                evaluatedNow++;
            }
            agent.Tell([new Scored(candidate, earlier.Reward)]);
            candidates.Add(earlier);
            journal.Record(earlier, agent);
            progress?.Invoke(new SearchProgress(episode + 1, episodes, candidates.Max(c => c.Accuracy), earlier.Accuracy, earlier.ConstrainedValue, budgetLimit, earlier));
        }
        double seconds = evaluationTime.Elapsed.TotalSeconds;
        return new SearchLoopResult(candidates, evaluated.Count, seconds > 0 ? evaluatedNow / seconds : 0);
    }

    private static string KeyOf(IReadOnlyList<PolicyEntry> policy) =>
        string.Join(";", policy.Select(p => $"{p.Layer}:{p.Channels}:{p.WBits}:{p.ABits}"));
}
