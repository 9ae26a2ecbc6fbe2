using AutoDesign.Contracts;
using AutoDesign.Dashboard.Api;
using AutoDesign.Search.Jobs;

namespace AutoDesign.Dashboard.Tests;

/// <summary>An API that answers from memory and remembers what it was sent.</summary>
internal sealed class FakeApi : IAutoDesignApi
{
    public List<JobView> JobList { get; } = [];

    public List<JobSpec> Submitted { get; } = [];

    public Func<JobSpec, ApiOutcome<JobView>> SubmitAnswer { get; set; } = _ => throw new InvalidOperationException("no answer set");

    public Task<Page<JobView>> Jobs(string? status, int offset, int limit, CancellationToken cancellation = default) =>
        Task.FromResult(new Page<JobView>([.. JobList.Where(j => status is null || j.Status == status).Skip(offset).Take(limit)], offset, limit, JobList.Count));

    public Task<JobView?> Job(Guid id, CancellationToken cancellation = default) => Task.FromResult(JobList.FirstOrDefault(j => j.Id == id));

    public Task<Page<CandidateResult>?> Candidates(Guid id, int offset, int limit, CancellationToken cancellation = default) =>
        Task.FromResult<Page<CandidateResult>?>(new Page<CandidateResult>([], offset, limit, 0));

    public Task<IReadOnlyList<ParetoPoint>?> Pareto(Guid id, CancellationToken cancellation = default) => Task.FromResult<IReadOnlyList<ParetoPoint>?>([]);

    public Task<CandidateLayers?> Layers(Guid id, int candidate, string? target, CancellationToken cancellation = default) => Task.FromResult<CandidateLayers?>(null);

    public Task<ApiOutcome<JobView>> Submit(JobSpec spec, CancellationToken cancellation = default)
    {
        Submitted.Add(spec);
        return Task.FromResult(SubmitAnswer(spec));
    }

    public Task<ApiOutcome<JobView>> Cancel(Guid id, CancellationToken cancellation = default) => throw new NotSupportedException();

    public string ExportUrl(Guid id, int candidate, string format) => $"api/jobs/{id}/export?candidate={candidate}&format={format}";

    public Task<ModelsView> Models(CancellationToken cancellation = default) =>
        Task.FromResult(new ModelsView(["lenet5", "resnet20"], "", [], [], ["mnist", "fashion-mnist"]));

    public Task<IReadOnlyList<TargetView>> Targets(CancellationToken cancellation = default) =>
        Task.FromResult<IReadOnlyList<TargetView>>([new TargetView("bitfusion", "analytic", "BitFusion"), new TargetView("torchsharp-cpu", "measured", "CPU")]);

    public Task<IReadOnlyList<DeviceView>> Devices(CancellationToken cancellation = default) => Task.FromResult<IReadOnlyList<DeviceView>>([]);

    public Task<IReadOnlyList<SweepView>> Sweeps(CancellationToken cancellation = default) => Task.FromResult<IReadOnlyList<SweepView>>([]);

    public Task<IReadOnlyList<SweepRunView>?> SweepRuns(Guid id, CancellationToken cancellation = default) => Task.FromResult<IReadOnlyList<SweepRunView>?>([]);

    public Task<ApiOutcome<SweepView>> CreateSweep(SweepSpec spec, CancellationToken cancellation = default) => throw new NotSupportedException();

    public Task<ApiOutcome<SweepView>> UpdateSweep(Guid id, SweepSpec spec, CancellationToken cancellation = default) => throw new NotSupportedException();

    public Task<ApiOutcome<bool>> DeleteSweep(Guid id, CancellationToken cancellation = default) => throw new NotSupportedException();

    public static JobView Job(string kind, string model, string agent, string status, double? best, int candidates, int episodes, DateTime created) =>
        new(Guid.NewGuid(), kind, model, "mnist", agent, status, created, null, null, new JobProgress(candidates, episodes), best, best is null ? null : 1000, 2000, null, null,
            new JobSpec { Kind = kind, Model = model, Dataset = "mnist", Agent = agent, Constraint = new ConstraintSpec { Metric = "flops", Ratio = 0.5 } }, null);
}
