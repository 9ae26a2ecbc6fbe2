using AutoDesign.Contracts;
using System.Text.Json.Nodes;

namespace AutoDesign.Dashboard.Api;

/// <summary>
/// The REST API as the dashboard uses it: the same contract (and the same validation and API-key rules) any other
/// client of the service gets. Reads of unknown ids return null.
/// </summary>
public interface IAutoDesignApi
{
    Task<Page<JobView>> Jobs(string? status, int offset, int limit, CancellationToken cancellation = default);

    Task<JobView?> Job(Guid id, CancellationToken cancellation = default);

    Task<Page<CandidateResult>?> Candidates(Guid id, int offset, int limit, CancellationToken cancellation = default);

    Task<IReadOnlyList<ParetoPoint>?> Pareto(Guid id, CancellationToken cancellation = default);

    Task<CandidateLayers?> Layers(Guid id, int candidate, string? target, CancellationToken cancellation = default);

    /// <summary>Submits a job spec (a JSON object with its <c>kind</c>, as the catalog's fields build it).</summary>
    Task<ApiOutcome<JobView>> Submit(JsonObject spec, CancellationToken cancellation = default);

    /// <summary>The kinds of job with their fields, the agents, and the names a spec may use.</summary>
    Task<CatalogView> Catalog(CancellationToken cancellation = default);

    Task<ApiOutcome<JobView>> Cancel(Guid id, CancellationToken cancellation = default);

    /// <summary>Where the browser downloads a candidate (the API's export URL, relative to the site).</summary>
    string ExportUrl(Guid id, int candidate, string format);

    Task<ModelsView> Models(CancellationToken cancellation = default);

    Task<IReadOnlyList<TargetView>> Targets(CancellationToken cancellation = default);

    Task<IReadOnlyList<DeviceView>> Devices(CancellationToken cancellation = default);

    Task<IReadOnlyList<SweepView>> Sweeps(CancellationToken cancellation = default);

    Task<IReadOnlyList<SweepRunView>?> SweepRuns(Guid id, CancellationToken cancellation = default);

    Task<ApiOutcome<SweepView>> CreateSweep(SweepSpec spec, CancellationToken cancellation = default);

    Task<ApiOutcome<SweepView>> UpdateSweep(Guid id, SweepSpec spec, CancellationToken cancellation = default);

    Task<ApiOutcome<bool>> DeleteSweep(Guid id, CancellationToken cancellation = default);
}
