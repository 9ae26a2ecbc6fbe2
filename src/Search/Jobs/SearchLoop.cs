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
    /// <summary>In a search that counts distinct candidates, the repeats in a row after which the agent is taken to have converged.</summary>
    public const int MaxRepeatsInARow = 2_000;

    /// <param name="distinct">
    /// Count distinct policies only (architecture search: <c>budget.evaluations</c>): a repeat is told to the agent with
    /// the earlier figures but neither recorded nor counted, and the search ends early if the agent proposes nothing new
    /// for <see cref="MaxRepeatsInARow"/> asks.
    /// </param>
    /// <param name="costsOf">The costs a multi-objective agent minimises, read from a candidate's result.</param>
    public static SearchLoopResult Run<TPolicy>(
        ISearchAgent agent,
        int episodes,
        Func<Candidate, TPolicy> policyOf,
        Func<TPolicy, IReadOnlyList<PolicyEntry>> describe,
        Func<int, TPolicy, IReadOnlyList<PolicyEntry>, CandidateResult> evaluate,
        IJobJournal journal,
        double? budgetLimit,
        Action<SearchProgress>? progress,
        CancellationToken cancellation,
        bool distinct = false,
        Func<CandidateResult, IReadOnlyList<double>>? costsOf = null)
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

        int evaluatedNow = 0, repeats = 0;
        var evaluationTime = new Stopwatch();
        while (candidates.Count < episodes && repeats < MaxRepeatsInARow)
        {
            cancellation.ThrowIfCancellationRequested();
            int episode = candidates.Count;
            var candidate = agent.Ask(1) is [var first, ..] ? first : throw new InvalidOperationException($"agent {agent.Name} proposed nothing");
            var policy = policyOf(candidate);
            var entries = describe(policy);
            string key = KeyOf(entries);
            bool repeat = evaluated.TryGetValue(key, out var earlier);
            if (repeat)
                earlier = earlier! with { Index = episode };
            else
            {
                evaluationTime.Start();
                evaluated[key] = earlier = evaluate(episode, policy, entries);
                evaluationTime.Stop();
                evaluatedNow++;
            }
            agent.Tell([new Scored(candidate, earlier.Reward, costsOf?.Invoke(earlier))]);
            if (repeat && distinct)
            {
                repeats++;
                continue;
            }
            repeats = 0;
            candidates.Add(earlier);
            journal.Record(earlier, agent);
            progress?.Invoke(new SearchProgress(episode + 1, episodes, candidates.Max(c => c.Accuracy), earlier.Accuracy, earlier.ConstrainedValue, budgetLimit, earlier));
        }
        double seconds = evaluationTime.Elapsed.TotalSeconds;
        return new SearchLoopResult(candidates, evaluated.Count, seconds > 0 ? evaluatedNow / seconds : 0);
    }

    private static string KeyOf(IReadOnlyList<PolicyEntry> policy) =>
        string.Join(";", policy.Select(p => $"{p.Layer}:{p.Channels}:{p.WBits}:{p.ABits}:{p.Choice}"));
}
