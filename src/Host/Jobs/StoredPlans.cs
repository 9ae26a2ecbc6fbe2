using AutoDesign.Modeling;
using AutoDesign.Search.Jobs;
using AutoDesign.Storage;

namespace AutoDesign.Host.Jobs;

/// <summary>The plan of a stored job.</summary>
internal static class StoredPlans
{
    /// <summary>
    /// The plan the job runs from. A job stored before plans were kept has only its spec, which is resolved now (and
    /// fails as a submission would if what it names is gone).
    /// </summary>
    public static JobPlan Of(JobRecord job, DataFolder folder)
    {
        if (job.Plan is not null) return StoredJson.Read<JobPlan>(job.Plan);
        var spec = StoredJson.Read<JobSpec>(job.Spec);
        return JobKinds.Of(spec).Plan(spec, folder);
    }

    /// <summary>The kind of a stored job, by its spec's name.</summary>
    public static IJobKind? KindOf(JobRecord job) => JobKinds.Find(job.Kind);
}
