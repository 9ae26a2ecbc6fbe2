using AutoDesign.Modeling;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// A kind of design job — prune, quantize, nas, and those to come — as one module: its spec and plan records, its
/// agents, the fields a form offers for it, the check that turns a spec into a plan, the run, the scorer workers
/// build, and how a candidate's policy becomes a network. <see cref="JobKinds"/> lists the kinds; nothing outside a
/// kind's folder compares against its name.
/// </summary>
public interface IJobKind
{
    /// <summary>The spec's <c>kind</c>.</summary>
    string Name { get; }

    /// <summary>A few words for a list of kinds, e.g. "prune (AMC: channels per layer)".</summary>
    string Title { get; }

    string Description { get; }

    /// <summary>What a job of this kind without a constraint optimises.</summary>
    string Unconstrained { get; }

    Type SpecType { get; }

    Type PlanType { get; }

    /// <summary>The agents that search this kind's space, by their names in <see cref="Agents.SearchAgents"/>; the first is the default.</summary>
    IReadOnlyList<string> Agents { get; }

    /// <summary>The fields a form offers for a spec of this kind.</summary>
    IReadOnlyList<FormField> Form { get; }

    /// <summary>
    /// Checks a spec and resolves every name it uses into the plan that is stored and run; each bad field is named in one
    /// <see cref="InvalidSpecException"/>. Files are read to resolve names, nothing is fetched or trained.
    /// </summary>
    JobPlan Plan(JobSpec spec, DataFolder folder);

    /// <summary>What a job list shows of a plan: what it starts from, on what data, how many candidates, under what budget.</summary>
    JobSummary Summarize(JobPlan plan);

    /// <summary>Whether the job trains a network rather than searching designs: its candidates are the epochs of one training run.</summary>
    bool Trains { get; }

    /// <summary>Whether a job of this spec has networks for candidates (false: e.g. rows of a benchmark table).</summary>
    bool HasNetworks(JobSpec spec);

    /// <summary>
    /// Makes the inputs the job's candidates are scored from (trains the base model on first use) and returns the
    /// folders under the data folder that another silo's workers need before they can score them.
    /// </summary>
    IReadOnlyList<string> Prepare(JobPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation);

    /// <summary>Runs the job: the search, then the best candidate tested and saved.</summary>
    Task<SearchResult> RunAsync(JobPlan plan, JobContext context);

    /// <summary>A scorer of the job's candidates built from the plan alone, as a worker on any silo builds it.</summary>
    ICandidateScorer CreateScorer(JobPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation);

    /// <summary>The network a candidate stands for; <see cref="InvalidOperationException"/> when it is not a network or is not on this silo.</summary>
    CandidateNetwork NetworkOf(JobPlan plan, CandidateResult candidate, DataFolder folder);
}

/// <summary>
/// What a job list shows of a job: what it starts from, on what data, how many candidates, under what budget, and
/// what its candidates' score is called: an accuracy (a fraction, shown as a percentage) or a table's objective
/// column (shown as the table gives it).
/// </summary>
/// <param name="Step">What one candidate is called in progress reports: an episode of a search, an epoch of training.</param>
/// <param name="CostUnit">The unit of a candidate's constrained cost, where progress reports show it with one.</param>
public sealed record JobSummary(string Subject, string Dataset, int Candidates, double? BudgetLimit, string Score = "accuracy", bool ScoreIsFraction = true,
    string Step = "episode", string CostUnit = "")
{
    public string FormatScore(double value) =>
        ScoreIsFraction ? value.ToString("P2", System.Globalization.CultureInfo.InvariantCulture) : value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
