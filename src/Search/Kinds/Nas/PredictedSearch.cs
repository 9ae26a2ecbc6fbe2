using AutoDesign.Search.Agents;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Pareto;

namespace AutoDesign.Search.Kinds.Nas;

/// <summary>A sub-network the predictor put on the shortlist: its choice vector and predicted accuracy.</summary>
public sealed record Shortlisted(int[] Choices, double PredictedAccuracy);

/// <summary>
/// The first round of a predictor-guided search: the agent searches the super-network's space for
/// <c>budget.evaluations</c> distinct networks, each scored by the predictor (costs are the real ones, so every
/// proposal meets the constraint), then the sub-networks worth evaluating for real are chosen. One objective: the
/// best predicted. NSGA-II: the predicted Pareto front (accuracy against the first cost) spread evenly along its
/// cost, then, if the front is shorter than the list, the best predicted of the rest. Vectors that differ only in
/// what their depths leave out are one network: a repeat is neither counted nor scored again.
/// </summary>
public static class PredictedSearch
{
    public static Task<(IReadOnlyList<Shortlisted> Shortlist, int Predicted)> RunAsync(
        ISearchAgent agent, SupernetSpace predicted, int evaluations, int batchSize, int confirm, bool alongFront,
        IReadOnlyList<string> costs, CancellationToken cancellation) =>
        RunAsync(agent, predicted, c => predicted.Subnets.Encode(predicted.Subnets.Canonical(predicted.Choice(c))),
            evaluations, batchSize, confirm, alongFront, costs, cancellation);

    /// <param name="canonical">The vector of the same network that every vector of that network maps to.</param>
    public static async Task<(IReadOnlyList<Shortlisted> Shortlist, int Predicted)> RunAsync(
        ISearchAgent agent, ChoiceSpace predicted, Func<IReadOnlyList<int>, int[]> canonical, int evaluations, int batchSize, int confirm, bool alongFront,
        IReadOnlyList<string> costs, CancellationToken cancellation)
    {
        var vectors = new Dictionary<int, int[]>();
        var scorer = new DelegateScorer(
            actions => NasKind.Describe(predicted, canonical(ChoiceVector.Of(actions))),
            (index, actions) =>
            {
                var choices = canonical(ChoiceVector.Of(actions));
                lock (vectors) vectors[index] = choices;
                var score = predicted.Evaluate(choices);
                return new CandidateResult(index, score.Accuracy, 0, 0, 0, score.Accuracy, NasKind.Describe(predicted, choices), score.Metrics);
            });
        var loop = await SearchLoop.RunAsync(agent, evaluations, batchSize, scorer, new LocalEvaluations(scorer), NoJournal.Instance, null, null, cancellation,
            distinct: true, costsOf: c => costs.Select(k => c.Metrics![k]).ToList());

        var networks = loop.Candidates;
        var chosen = new List<CandidateResult>();
        if (alongFront && costs.Count > 0)
        {
            var front = ParetoFront.Of([.. networks.Select(c => (c.Accuracy, c.Metrics![costs[0]]))]);
            chosen.AddRange(Spread(front, confirm).Select(i => networks[i]));
        }
        chosen.AddRange(networks.Except(chosen).OrderByDescending(c => c.Accuracy).Take(confirm - chosen.Count));
        var shortlist = chosen.OrderByDescending(c => c.Accuracy).Select(c => new Shortlisted(vectors[c.Index], c.Accuracy)).ToList();
        return (shortlist, loop.Evaluations);
    }

    /// <summary>At most <paramref name="count"/> of the items, evenly spaced, both ends kept.</summary>
    private static IEnumerable<T> Spread<T>(IReadOnlyList<T> items, int count) =>
        items.Count <= count
            ? items
            : count == 1 ? [items[^1]] : Enumerable.Range(0, count).Select(i => items[(int)Math.Round(i * (items.Count - 1.0) / (count - 1))]);
}
