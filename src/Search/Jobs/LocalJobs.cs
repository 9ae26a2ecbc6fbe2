namespace AutoDesign.Search.Jobs;

/// <summary>A job run in this process, as <c>autodesign run</c> and the benchmarks run them: its spec checked once into a plan, then the plan run.</summary>
public static class LocalJobs
{
    /// <exception cref="InvalidSpecException">The spec names each bad field; nothing ran.</exception>
    public static async Task<SearchResult> RunAsync(JobSpec spec, JobContext context)
    {
        var plan = JobKinds.Of(spec).Plan(spec, context.Folder);
        var result = await JobKinds.Of(plan).RunAsync(plan, context);
        return result with { Spec = spec };
    }

    /// <summary>As <see cref="RunAsync"/>, for programs that run one job at a time on their main thread.</summary>
    public static SearchResult Run(JobSpec spec, JobContext context) => RunAsync(spec, context).GetAwaiter().GetResult();
}
