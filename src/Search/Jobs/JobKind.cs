using AutoDesign.Modeling;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Jobs;

/// <summary>A kind of job with its spec and plan types: the typed half that every kind implements.</summary>
public abstract class JobKind<TSpec, TPlan> : IJobKind where TSpec : JobSpec where TPlan : JobPlan
{
    public abstract string Name { get; }

    public abstract string Title { get; }

    public abstract string Description { get; }

    public virtual string Unconstrained => "no constraint";

    public Type SpecType => typeof(TSpec);

    public Type PlanType => typeof(TPlan);

    public abstract IReadOnlyList<string> Agents { get; }

    public abstract IReadOnlyList<FormField> Form { get; }

    public virtual bool Trains => false;

    public JobPlan Plan(JobSpec spec, DataFolder folder) => Plan((TSpec)spec, folder);

    public JobSummary Summarize(JobPlan plan) => Summarize((TPlan)plan);

    public bool HasNetworks(JobSpec spec) => HasNetworks((TSpec)spec);

    public IReadOnlyList<string> Prepare(JobPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) =>
        Prepare((TPlan)plan, folder, logger, cancellation);

    public Task<SearchResult> RunAsync(JobPlan plan, JobContext context) => RunAsync((TPlan)plan, context);

    public ICandidateScorer CreateScorer(JobPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) =>
        CreateScorer((TPlan)plan, folder, logger, cancellation);

    public CandidateNetwork NetworkOf(JobPlan plan, CandidateResult candidate, DataFolder folder) => NetworkOf((TPlan)plan, candidate, folder);

    protected abstract TPlan Plan(TSpec spec, DataFolder folder);

    protected abstract JobSummary Summarize(TPlan plan);

    protected virtual bool HasNetworks(TSpec spec) => true;

    protected virtual IReadOnlyList<string> Prepare(TPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation) => [];

    protected abstract Task<SearchResult> RunAsync(TPlan plan, JobContext context);

    protected abstract ICandidateScorer CreateScorer(TPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation);

    protected abstract CandidateNetwork NetworkOf(TPlan plan, CandidateResult candidate, DataFolder folder);
}
