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
/// policy seen before gets the earlier figures, so each distinct policy is evaluated once; a resumed job continues
/// from its journal. Each request carries the best reward of the candidates recorded in full so far (the journal's
/// included, so a resumed job screens as an unbroken one would), for scorers that screen candidates first. Cancellation is checked before each batch: a cancelled job keeps every batch it recorded.
/// </summary>
public static class SearchLoop
{
    /// <summary>In a search that counts distinct candidates, the repeats in a row after which the agent is taken to have converged.</summary>
    public const int MaxRepeatsInARow = 2_000;

    /// <summary>The metric a candidate scored on a subset only carries: how many images it was scored on.</summary>
    public const string ScreenedImages = "screenedImages";

    /// <param name="distinct">
    /// Count distinct policies only (architecture search: <c>budget.evaluations</c>): a repeat is told to the agent with
    /// the earlier figures but neither recorded nor counted, and the search ends early if the agent proposes nothing new
    /// for <see cref="MaxRepeatsInARow"/> asks. Otherwise a repeat is recorded under its own index.
    /// </param>
    /// <param name="costsOf">The costs a multi-objective agent minimises, read from a candidate's result.</param>
    public static async Task<SearchLoopResult> RunAsync(
        ISearchAgent agent,
        int episodes,
        int batchSize,
        ICandidateScorer scorer,
        IEvaluationPool evaluations,
        IJobJournal journal,
        double? budgetLimit,
        Action<SearchProgress>? progress,
        CancellationToken cancellation,
        bool distinct = false,
        Func<CandidateResult, IReadOnlyList<double>>? costsOf = null)
    {
        var candidates = new List<CandidateResult>();
        var evaluated = new Dictionary<string, CandidateResult>();
        if (await journal.LoadAsync(cancellation) is { } checkpoint)
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
            int first = candidates.Count;
            var asked = agent.Ask(Math.Min(batchSize, episodes - first));
            if (asked.Count == 0) throw new InvalidOperationException($"agent {agent.Name} proposed nothing");
            var keys = asked.Select(c => KeyOf(scorer.Describe(c.Actions))).ToList();

            // Indices: every candidate gets the next one, or, counting distinct policies only, every new one.
            var requests = new List<EvaluationRequest>();
            var indexOf = new Dictionary<string, int>();
            double? bar = candidates.Where(c => c.Metrics?.ContainsKey(ScreenedImages) != true).Select(c => (double?)c.Reward).Max();
            for (int i = 0; i < asked.Count; i++)
            {
                if (evaluated.ContainsKey(keys[i]) || indexOf.ContainsKey(keys[i])) continue;
                indexOf[keys[i]] = distinct ? first + indexOf.Count : first + i;
                requests.Add(new EvaluationRequest(indexOf[keys[i]], asked[i].Actions, bar));
            }
            IReadOnlyList<CandidateResult> fresh = [];
            if (requests.Count > 0)
            {
                evaluationTime.Start();
                fresh = await evaluations.EvaluateAsync(requests, cancellation);
                evaluationTime.Stop();
                foreach (var result in fresh) evaluated[KeyOf(result.Policy)] = result;
                evaluatedNow += requests.Count;
            }

            agent.Tell([.. asked.Select((c, i) => new Scored(c, evaluated[keys[i]].Reward, costsOf?.Invoke(evaluated[keys[i]])))]);
            var batch = distinct ? fresh : Enumerable.Range(0, asked.Count).Select(i => evaluated[keys[i]] with { Index = first + i }).ToList();
            repeats = requests.Count == 0 ? repeats + asked.Count : 0;
            if (batch.Count == 0) continue;
            candidates.AddRange(batch);
            // Recorded even when cancellation came during the batch: what was evaluated is kept.
            await journal.RecordAsync(batch, agent, CancellationToken.None);
            double best = candidates.Max(c => c.Accuracy);
            foreach (var result in batch)
                progress?.Invoke(new SearchProgress(result.Index + 1, episodes, best, result.Accuracy, result.ConstrainedValue, budgetLimit, result));
        }
        double seconds = evaluationTime.Elapsed.TotalSeconds;
        return new SearchLoopResult(candidates, evaluated.Count, seconds > 0 ? evaluatedNow / seconds : 0);
    }

    private static string KeyOf(IReadOnlyList<PolicyEntry> policy) =>
        string.Join(";", policy.Select(p => $"{p.Layer}:{p.Channels}:{p.WBits}:{p.ABits}:{p.Choice}"));
}
