using System.Diagnostics;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Architecture.Predictor;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Pareto;
using AutoDesign.Search.Tables;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Nas;

/// <summary>
/// Architecture search: the agent proposes choice vectors the space allows (so every candidate meets the constraint),
/// each distinct one is evaluated once until <c>budget.evaluations</c> have been, and the result has the shape of the
/// other kinds: the reward and accuracy are the objective, the constrained value the constraint's column (or the first
/// cost), every other measured figure a metric, and the policy one entry per decision. For a table, nothing is trained
/// or saved and <c>base.accuracy</c> is the best objective value among the rows that meet the constraint (what an
/// exhaustive search of the table would find); over a super-network, the best sub-network is saved and tested.
/// </summary>
public sealed class NasKind : JobKind<NasSpec, NasPlan>
{
    /// <summary>The metric under which a confirmed candidate keeps what the predictor said of it.</summary>
    public const string PredictedAccuracy = "predictedAccuracy";

    public override string Name => "nas";

    public override string Title => "nas (architecture search)";

    public override string Description => "Which architecture of a benchmark table or of a trained once-for-all super-network is most accurate under the constraint.";

    public override IReadOnlyList<string> Agents { get; } = ["evolution", "nsga2", "random"];

    public override IReadOnlyList<FormField> Form => NasForm.Fields;

    protected override NasPlan Plan(NasSpec spec, DataFolder folder) => NasChecks.Plan(spec, this, folder);

    protected override JobSummary Summarize(NasPlan plan) => plan.Table is { } table
        ? new(table.Source, "table", plan.Evaluations, plan.Limit, Score: table.Objective, ScoreIsFraction: false)
        : new(plan.Supernet!.Name, plan.Supernet.Dataset, plan.Predictor?.Confirm ?? plan.Evaluations, plan.Limit);

    protected override bool HasNetworks(NasSpec spec) => spec.Supernet is not null;

    /// <summary>A nas job scores its candidates in its own process: its table or super-network stays where the job runs.</summary>
    protected override ICandidateScorer CreateScorer(NasPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) =>
        throw new NotSupportedException("the candidates of an architecture search are scored in the job's own process");

    protected override CandidateNetwork NetworkOf(NasPlan plan, CandidateResult candidate, DataFolder folder)
    {
        if (plan.Supernet is null) throw new InvalidOperationException("the candidates of a search over a table are rows, not networks");
        var layout = SupernetSource.Load(plan, folder).Saved.Layout;
        return new CandidateNetwork(SubnetExtraction.Spec(layout, SupernetPolicy.Decode(new SubnetSpace(layout), candidate.Policy), $"subnet-{candidate.Index}"), null);
    }

    protected override async Task<SearchResult> RunAsync(NasPlan plan, JobContext context)
    {
        if (plan.Supernet is null)
        {
            var table = plan.Table!;
            var space = new TableSpace(BenchmarkTable.Load(context.Folder.Resolve(table.Path)), table.Decisions, table.Objective, plan.ConstraintMetric, plan.Limit);
            return await SearchAsync(plan, space, table.Source, context, null);
        }
        using var supernet = new SupernetSearch(SupernetSource.Load(plan, context.Folder), context.Folder, plan);
        return await SearchAsync(plan, supernet.Space, plan.Supernet.Name, context, (best, result) => supernet.Finish(best, result, context));
    }

    private static async Task<SearchResult> SearchAsync(NasPlan plan, ChoiceSpace space, string spaceName, JobContext context,
        Func<CandidateResult, SearchResult, SearchResult>? finish)
    {
        var clock = Stopwatch.StartNew();
        var logger = context.Logger;
        string? constrained = plan.ConstraintMetric ?? plan.Costs.FirstOrDefault();
        logger.LogInformation("Searching {Space} ({Decisions} decisions) with {Agent} for {Evaluations} evaluations; constraint {Constraint}",
            spaceName, space.Decisions.Count, plan.Agent, plan.Evaluations, plan.Limit is { } max ? $"{plan.ConstraintMetric} <= {max:G6}" : "none");

        var agent = CreateAgent(plan, space);
        int evaluations = plan.Evaluations;
        int? predicted = null;
        PredictorReport? report = null;
        IReadOnlyDictionary<string, double>? predictions = null;
        if (plan.Predictor is { } predictor && space is SupernetSpace subnets)
        {
            var (shortlist, count, fitted) = await ShortlistAsync(plan, predictor, subnets, context);
            agent = new ListAgent([.. shortlist.Select(s => ChoiceVector.ToCandidate(0, s.Choices).Actions)]);
            evaluations = shortlist.Count;
            predicted = count;
            report = fitted;
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
        var loop = await SearchLoop.RunAsync(agent, evaluations, plan.Batch, scorer, new LocalEvaluations(scorer),
            context.Journal, plan.Limit, context.Progress, context.Cancellation, distinct: true,
            costsOf: c => plan.Costs.Select(k => c.Metrics![k]).ToList());
        var candidates = loop.Candidates;

        var best = candidates.MaxBy(c => c.Reward)!;
        var front = ParetoFront.Of([.. candidates.Select(c => (c.Accuracy, c.ConstrainedValue))])
            .Select(i => new ParetoPoint(candidates[i].Index, candidates[i].Accuracy, 0, 0, candidates[i].ConstrainedValue)).ToList();
        logger.LogInformation("Best candidate {Index}: {Objective} {Accuracy:G6} at {Metric} {Cost:G6} ({Policy})", best.Index, (space as TableSpace)?.Objective,
            best.Accuracy, constrained, best.ConstrainedValue, string.Join(", ", best.Policy.Select(p => $"{p.Layer}={p.Choice}")));
        var result = new SearchResult(
            new BaseMetrics("table", spaceName, "", (space as TableSpace)?.BestObjective ?? 0, null, 0, 0),
            new ConstraintResult(constrained ?? "none", "", null, null, null),
            plan.Limit,
            new BestResult(best.Index, best.Accuracy, null, null, best.ConstrainedValue, best.Policy, best.Accuracy, 0, null, "", best.Metrics),
            front,
            candidates,
            loop.Evaluations,
            loop.EvaluationsPerSecond,
            clock.Elapsed.TotalSeconds,
            predicted,
            report);
        return finish is null ? result : finish(best, result) with { Seconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>The predictor's round: fits the predictor on the super-network's measured sub-networks and searches with it.</summary>
    private static async Task<(IReadOnlyList<Shortlisted> Shortlist, int Predicted, PredictorReport Report)> ShortlistAsync(NasPlan plan, PredictorPlan settings, SupernetSpace space,
        JobContext context)
    {
        var clock = Stopwatch.StartNew();
        var samples = AccuracySampleFile.TryLoad(context.Folder.Resolve(plan.Supernet!.Directory))
                      ?? throw new InvalidOperationException($"super-network '{plan.Supernet.Name}' has lost its measured sub-networks");
        var predictor = AccuracyPredictors.Fit(settings.Model, space.Subnets.Layout, samples.Samples, plan.Seed);
        try
        {
            double fitted = clock.Elapsed.TotalSeconds;
            var guessing = space.WithAccuracy(predictor.Predict);
            var result = await PredictedSearch.RunAsync(CreateAgent(plan, guessing), guessing, plan.Evaluations, plan.Batch,
                settings.Confirm, plan.Agent == "nsga2", plan.Costs, context.Cancellation);
            context.Logger.LogInformation("Predictor {Model} fitted on {Samples} sub-networks in {Fit:F1} s scored {Predicted} distinct sub-networks in {Search:F1} s; " +
                                          "confirming {Confirm} (predicted {Best:P2} at best)", predictor.Name, samples.Samples.Count, fitted, result.Predicted,
                clock.Elapsed.TotalSeconds - fitted, result.Shortlist.Count, result.Shortlist.Count > 0 ? result.Shortlist[0].PredictedAccuracy : 0);
            return (result.Shortlist, result.Predicted, new PredictorReport(predictor.Name, samples.Samples.Count));
        }
        finally
        {
            (predictor as IDisposable)?.Dispose();
        }
    }

    private static ISearchAgent CreateAgent(NasPlan plan, ChoiceSpace space) =>
        SearchAgents.Create(plan.Agent, space, new AgentSettings(plan.Seed) { Evolution = plan.Evolution, Nsga2 = plan.Nsga2, Costs = plan.Costs.Count });

    public static IReadOnlyList<PolicyEntry> Describe(ChoiceSpace space, IReadOnlyList<int> choices) =>
        space.Decisions.Select((d, i) => new PolicyEntry(d.Name, Choice: d.Choices[choices[i]].Label, Value: d.Choices[choices[i]].Value)).ToList();
}
