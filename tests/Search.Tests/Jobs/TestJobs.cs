using AutoDesign.Modeling;
using AutoDesign.Search.Jobs;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutoDesign.Search.Tests.Jobs;

/// <summary>What the command line and the service do with a spec: check it once into a plan, then run the plan.</summary>
internal static class TestJobs
{
    public static JobPlan Plan(JobSpec spec, DataFolder folder) => JobKinds.Of(spec).Plan(spec, folder);

    public static SearchResult Run(JobSpec spec, DataFolder folder, string bestModelDirectory = "", IJobJournal? journal = null,
        IEvaluationPool? evaluations = null, CancellationToken cancellation = default) =>
        LocalJobs.Run(spec, new JobContext(folder, NullLogger.Instance)
        {
            BestModelDirectory = bestModelDirectory,
            Journal = journal ?? NoJournal.Instance,
            Evaluations = evaluations,
            Cancellation = cancellation,
        });

    /// <summary>A spec read from JSON as the API reads it.</summary>
    public static JobSpec Parse(string json) => RequestJson.Parse<JobSpec>(json, "job spec", "spec");
}
