using AutoDesign.Modeling;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Jobs;

/// <summary>Runs a job of any kind in-process, or builds its scorer (for a worker that scores its candidates).</summary>
public static class DesignJob
{
    /// <param name="evaluations">Where candidates are scored (default: one after another in this process).</param>
    public static SearchResult Run(JobSpec spec, DataFolder folder, ILogger logger, string bestModelDirectory,
        Action<SearchProgress>? progress = null, CancellationToken cancellation = default, IJobJournal? journal = null,
        IEvaluationPool? evaluations = null) => spec.Kind switch
    {
        "nas" => new NasJob(folder, logger).Run(spec, bestModelDirectory, progress, cancellation, journal),
        "quantize" => new QuantizationJob(folder, logger).Run(spec, bestModelDirectory, progress, cancellation, journal, evaluations),
        _ => new PruningJob(folder, logger).Run(spec, bestModelDirectory, progress, cancellation, journal, evaluations),
    };

    /// <summary>The job's scorer; trains the base model first if the cache does not hold it.</summary>
    public static ICandidateScorer CreateScorer(JobSpec spec, DataFolder folder, ILogger logger, CancellationToken cancellation = default) => spec.Kind switch
    {
        "quantize" => QuantizationScorer.Create(spec, folder, logger, cancellation),
        _ => PruningScorer.Create(spec, folder, logger, cancellation),
    };
}
