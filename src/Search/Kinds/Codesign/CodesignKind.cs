using System.Diagnostics;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Pareto;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Codesign;

/// <summary>
/// Joint architecture and precision search (APQ): over a trained once-for-all super-network, each candidate is a
/// sub-network and the bits of each of its layers. A quantization-aware accuracy predictor, started from the
/// full-precision predictor's weights and fitted on designs measured at their bits (<see cref="QuantizedSampling"/>),
/// scores <c>budget.evaluations</c> designs the agent proposes under the constraint; the best predicted are evaluated
/// for real (<see cref="QuantizedSubnetEvaluator"/>), and the best of those is recovered at its bits and saved.
/// </summary>
public sealed class CodesignKind : JobKind<CodesignSpec, CodesignPlan>
{
    public override string Name => "codesign";

    public override string Title => "codesign (APQ: architecture and bits)";

    public override string Description => "Which sub-network of a trained once-for-all super-network, with which bits per layer, is most accurate under a latency, energy or size budget.";

    public override IReadOnlyList<string> Agents { get; } = ["evolution", "nsga2", "random"];

    public override IReadOnlyList<FormField> Form => CodesignForm.Fields;

    protected override CodesignPlan Plan(CodesignSpec spec, DataFolder folder) => CodesignChecks.Plan(spec, this, folder);

    protected override JobSummary Summarize(CodesignPlan plan) => new(plan.Supernet.Name, plan.Supernet.Dataset, plan.Predictor.Confirm, plan.Limit);

    /// <summary>A joint search scores its candidates in its own process, where its super-network is loaded.</summary>
    protected override ICandidateScorer CreateScorer(CodesignPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) =>
        throw new NotSupportedException("the candidates of a joint search are scored in the job's own process");

    protected override CandidateNetwork NetworkOf(CodesignPlan plan, CandidateResult candidate, DataFolder folder)
    {
        var saved = SavedSupernet.Load(folder.Resolve(plan.Supernet.Directory));
        var space = new CodesignSpace(saved.Layout, plan.Quantization.Bits, [], plan.ConstraintMetric, max: null);
        var (spec, policy) = space.Network(CodesignPolicy.Decode(space, candidate.Policy), $"apq-{candidate.Index}");
        return new CandidateNetwork(spec, policy);
    }

    protected override async Task<SearchResult> RunAsync(CodesignPlan plan, JobContext context)
    {
        var clock = Stopwatch.StartNew();
        using var search = new CodesignSearch(plan, context);
        var space = search.Space;
        var logger = context.Logger;
        logger.LogInformation("Searching {Supernet} jointly with bits {Bits} ({Decisions} decisions) under {Metric} <= {Limit:G6}",
            plan.Supernet.Name, string.Join("/", plan.Quantization.Bits), space.Decisions.Count, plan.ConstraintMetric, plan.Limit);

        var (shortlist, predicted, report) = await search.ShortlistAsync();
        var predictions = shortlist.ToDictionary(s => ChoiceVector.Key(s.Choices), s => s.PredictedAccuracy);
        var agent = new ListAgent([.. shortlist.Select(s => ChoiceVector.ToCandidate(0, s.Choices).Actions)]);
        var scorer = new DelegateScorer(
            actions => CodesignPolicy.Describe(space, space.Canonical(ChoiceVector.Of(actions))),
            (index, actions) =>
            {
                var choices = space.Canonical(ChoiceVector.Of(actions));
                var score = space.Evaluate(choices);
                var metrics = new Dictionary<string, double>(score.Metrics) { [NasKind.PredictedAccuracy] = predictions[ChoiceVector.Key(choices)] };
                return new CandidateResult(index, score.Accuracy, (long)score.Metrics["flops"], (long)score.Metrics["params"], score.Metrics[plan.ConstraintMetric],
                    score.Accuracy, CodesignPolicy.Describe(space, choices), metrics);
            });
        var loop = await SearchLoop.RunAsync(agent, shortlist.Count, plan.Batch, scorer, new LocalEvaluations(scorer), context.Journal, plan.Limit,
            context.Progress, context.Cancellation, distinct: true);
        var candidates = loop.Candidates;
        var front = ParetoFront.Of([.. candidates.Select(c => (c.Accuracy, c.ConstrainedValue))])
            .Select(i => new ParetoPoint(candidates[i].Index, candidates[i].Accuracy, candidates[i].Flops, candidates[i].Params, candidates[i].ConstrainedValue)).ToList();
        var best = candidates.MaxBy(c => c.Reward)!;
        var result = new SearchResult(
            search.Base(),
            search.ConstraintResult(),
            plan.Limit,
            search.Finish(best, candidates, front),
            front,
            candidates,
            loop.Evaluations,
            loop.EvaluationsPerSecond,
            0,
            predicted,
            report);
        return result with { Seconds = clock.Elapsed.TotalSeconds };
    }
}
