using AutoDesign.Modeling;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Jobs;

/// <summary>Runs a job of any kind in-process.</summary>
public static class DesignJob
{
    public static SearchResult Run(JobSpec spec, DataFolder folder, ILogger logger, string bestModelDirectory,
        Action<SearchProgress>? progress = null, CancellationToken cancellation = default, IJobJournal? journal = null) => spec.Kind switch
    {
        "nas" => new NasJob(folder, logger).Run(spec, progress, cancellation, journal),
        "quantize" => new QuantizationJob(folder, logger).Run(spec, bestModelDirectory, progress, cancellation, journal),
        _ => new PruningJob(folder, logger).Run(spec, bestModelDirectory, progress, cancellation, journal),
    };
}
