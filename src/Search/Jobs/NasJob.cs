using System.Diagnostics;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Agents.Evolution;
using AutoDesign.Search.Agents.Nsga2;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Architecture.Predictor;
using AutoDesign.Search.Pareto;
using AutoDesign.Search.Tables;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// Runs an architecture search (nas) in-process: the agent proposes choice vectors the space allows (so every
/// candidate meets the constraint), each distinct one is evaluated once until <c>budget.evaluations</c> have been,
/// and the result has the shape of the other kinds: the reward and accuracy are the objective, the constrained value
/// the constraint's column (or the first cost), every other measured figure a metric, and the policy one entry per
/// decision. Nothing is trained or saved. For a table, <c>base.accuracy</c> is the best objective value among the
/// rows that meet the constraint: what an exhaustive search of the table would find.
/// </summary>
public sealed class NasJob(DataFolder folder, ILogger logger)
{
    /// <param name="bestModelDirectory">Where a super-network search saves its best sub-network (nothing is saved when empty).</param>
    public SearchResult Run(JobSpec spec, string bestModelDirectory = "", Action<SearchProgress>? progress = null, CancellationToken cancellation = default,
        IJobJournal? journal = null)
    {
        var job = JobSpecValidator.Check(spec, folder);
        var nas = job.Nas ?? throw new ArgumentException($"a {spec.Kind} job is not an architecture search", nameof(spec));
        if (nas.Supernet is { } source)
        {
            using var supernet = new SupernetSearch(source, folder, nas);
            return Run(spec, nas with { Space = supernet.Space }, progress, cancellation, journal, (best, result) => supernet.Finish(best, result, bestModelDirectory));
        }
        return Run(spec, nas, progress, cancellation, journal, null);
    }

    private SearchResult Run(JobSpec spec, ValidNas nas, Action<SearchProgress>? progress, CancellationToken cancellation, IJobJournal? journal,
        Func<CandidateResult, SearchResult, SearchResult>? finish)
    {
        var clock = Stopwatch.StartNew();
        var space = nas.Space;
        string? constrained = nas.ConstraintMetric ?? nas.Costs.FirstOrDefault();
        logger.LogInformation("Searching {Space} ({Decisions} decisions) with {Agent} for {Evaluations} evaluations; constraint {Constraint}",
            nas.SpaceName, space.Decisions.Count, spec.Agent, nas.Evaluations, nas.Limit is { } max ? $"{nas.ConstraintMetric} <= {max:G6}" : "none");

        var agent = CreateAgent(spec, nas);
        int evaluations = nas.Evaluations;
        int? predicted = null;
        IReadOnlyDictionary<string, double>? predictions = null;
        if (nas.Predictor is { } predictor && space is SupernetSpace subnets)
        {
            var (shortlist, count) = Shortlist(spec, nas, predictor, subnets, cancellation);
            agent = new ListAgent([.. shortlist.Select(s => ChoiceVector.ToCandidate(0, s.Choices).Actions)]);
            evaluations = shortlist.Count;
            predicted = count;
            predictions = shortlist.ToDictionary(s => ChoiceVector.Key(s.Choices), s => s.PredictedAccuracy);
        }
        var scorer = new DelegateScorer(
            actions => Describe(space, ChoiceVector.Of(actions)),
            (index, actions) =>
            {
                var choices = ChoiceVector.Of(actions);
                var score = space.Evaluate(choices);
                double cost = constrained is null ? 0 : score.Metrics[constrained];
                var metrics = predictions is null
                    ? score.Metrics
                    : new Dictionary<string, double>(score.Metrics) { [PredictedAccuracy] = predictions[ChoiceVector.Key(choices)] };
                return new CandidateResult(index, score.Accuracy, 0, 0, cost, score.Accuracy, Describe(space, choices), metrics);
            });
        var loop = SearchLoop.Run(agent, evaluations, spec.Budget?.Batch ?? 1, scorer, new LocalEvaluations(scorer),
            journal ?? NoJournal.Instance, nas.Limit, progress, cancellation, distinct: true,
            costsOf: c => nas.Costs.Select(k => c.Metrics![k]).ToList());
        var candidates = loop.Candidates;

        var best = candidates.MaxBy(c => c.Reward)!;
        var front = ParetoFront.Of([.. candidates.Select(c => (c.Accuracy, c.ConstrainedValue))])
            .Select(i => new ParetoPoint(candidates[i].Index, candidates[i].Accuracy, 0, 0, candidates[i].ConstrainedValue)).ToList();
        logger.LogInformation("Best candidate {Index}: {Objective} {Accuracy:G6} at {Metric} {Cost:G6} ({Policy})", best.Index, (space as TableSpace)?.Objective,
            best.Accuracy, constrained, best.ConstrainedValue, string.Join(", ", best.Policy.Select(p => $"{p.Layer}={p.Choice}")));
        var result = new SearchResult(
            spec,
            new BaseMetrics("table", nas.SpaceName, "", (space as TableSpace)?.BestObjective ?? 0, null, 0, 0),
            new ConstraintResult(constrained ?? "none", "", null, null, null),
            nas.Limit,
            new BestResult(best.Index, best.Accuracy, 0, 0, best.ConstrainedValue, best.Policy, best.Accuracy, 0, null, "", best.Metrics),
            front,
            candidates,
            loop.Evaluations,
            loop.EvaluationsPerSecond,
            clock.Elapsed.TotalSeconds,
            predicted);
        return finish is null ? result : finish(best, result) with { Seconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>The metric under which a confirmed candidate keeps what the predictor said of it.</summary>
    public const string PredictedAccuracy = "predictedAccuracy";

    /// <summary>The predictor's round: fits the predictor on the super-network's measured sub-networks and searches with it.</summary>
    private (IReadOnlyList<Shortlisted> Shortlist, int Predicted) Shortlist(JobSpec spec, ValidNas nas, ValidPredictor settings, SupernetSpace space,
        CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var predictor = AccuracyPredictors.Fit(settings.Model, space.Subnets.Layout, settings.Samples.Samples, spec.Seed);
        try
        {
            double fitted = clock.Elapsed.TotalSeconds;
            var guessing = space.WithAccuracy(predictor.Predict);
            var result = PredictedSearch.Run(CreateAgent(spec, nas with { Space = guessing }), guessing, nas.Evaluations, spec.Budget?.Batch ?? 1,
                settings.Confirm, spec.Agent == "nsga2", nas.Costs, cancellation);
            logger.LogInformation("Predictor {Model} fitted on {Samples} sub-networks in {Fit:F1} s scored {Predicted} distinct sub-networks in {Search:F1} s; " +
                                  "confirming {Confirm} (predicted {Best:P2} at best)", predictor.Name, settings.Samples.Samples.Count, fitted, result.Predicted,
                clock.Elapsed.TotalSeconds - fitted, result.Shortlist.Count, result.Shortlist.Count > 0 ? result.Shortlist[0].PredictedAccuracy : 0);
            return result;
        }
        finally
        {
            (predictor as IDisposable)?.Dispose();
        }
    }

    private static ISearchAgent CreateAgent(JobSpec spec, ValidNas nas) => spec.Agent switch
    {
        "evolution" => new EvolutionAgent(nas.Space, nas.Evolution, spec.Seed),
        "nsga2" => new Nsga2Agent(nas.Space, nas.Costs.Count,
            nas.Space is TableSpace table ? nas.Nsga2 with { Reference = Hypervolume.ReferenceFor(table.Objectives(nas.Costs)) } : nas.Nsga2, spec.Seed),
        _ => new RandomChoiceAgent(nas.Space, spec.Seed),
    };

    public static IReadOnlyList<PolicyEntry> Describe(ChoiceSpace space, IReadOnlyList<int> choices) =>
        space.Decisions.Select((d, i) => new PolicyEntry(d.Name, Choice: d.Choices[choices[i]].Label, Value: d.Choices[choices[i]].Value)).ToList();
}
