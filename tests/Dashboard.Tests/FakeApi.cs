using System.Text.Json.Nodes;
using AutoDesign.Contracts;
using AutoDesign.Dashboard.Api;

namespace AutoDesign.Dashboard.Tests;

/// <summary>An API that answers from memory and remembers what it was sent.</summary>
internal sealed class FakeApi : IAutoDesignApi
{
    public List<JobView> JobList { get; } = [];

    public List<JsonObject> Submitted { get; } = [];

    public Func<JsonObject, ApiOutcome<JobView>> SubmitAnswer { get; set; } = _ => throw new InvalidOperationException("no answer set");

    /// <summary>Two kinds shaped like the service's, and one no dashboard code knows of.</summary>
    public CatalogView CatalogAnswer { get; set; } = new(
        [
            new KindView("prune", "prune (channels per layer)", "", ["ddpg", "uniform", "random"],
            [
                new("model", "model", "What to design", "text", Default: "lenet5", ChoicesFrom: "models"),
                new("dataset", "data set", "What to design", "choice", Default: "mnist", ChoicesFrom: "datasets"),
                new("agent", "agent", "What to design", "choice", ChoicesFrom: "agents"),
                new("constraint.metric", "metric", "Constraint", "choice", Default: "flops", Choices: [new("flops", "flops"), new("latency", "latency")]),
                new("constraint.target", "target", "Constraint", "choice", ChoicesFrom: "targets", ShownWhen: [new("constraint.metric", ["latency"])]),
                new("limit", "the limit is", "Constraint", "choice", Default: "ratio", Submitted: false, Choices: [new("ratio", "a fraction"), new("max", "absolute")]),
                new("constraint.ratio", "at most (fraction)", "Constraint", "number", Default: "0.5", ShownWhen: [new("limit", ["ratio"])]),
                new("constraint.max", "at most (absolute)", "Constraint", "number", ShownWhen: [new("limit", ["max"])]),
                new("budget.episodes", "episodes", "Budget", "integer", Default: "40"),
                new("budget.warmupEpisodes", "warm-up episodes", "Budget", "integer", ShownWhen: [new("agent", ["ddpg"])],
                    Help: "blank: the paper's 100, at most half the episodes"),
                new("seed", "seed", "Budget", "integer", Default: "1"),
            ], "accuracy-guaranteed"),
            new KindView("nas", "nas (architecture search)", "", ["evolution", "nsga2", "random"],
            [
                new("space", "search space", "What to design", "choice", Default: "supernet", Submitted: false, Choices: [new("supernet", "a super-network"), new("table", "a table")]),
                new("supernet", "super-network", "What to design", "text", ChoicesFrom: "supernets", ShownWhen: [new("space", ["supernet"])]),
                new("space.type", "table", "What to design", "constant", Default: "table", ShownWhen: [new("space", ["table"])]),
                new("space.path", "table", "What to design", "text", ShownWhen: [new("space", ["table"])]),
                new("space.decisions", "decision columns", "What to design", "list", ShownWhen: [new("space", ["table"])]),
                new("agent", "agent", "What to design", "choice", ChoicesFrom: "agents"),
                new("constraint.metric", "metric", "Constraint", "choice", ShownWhen: [new("space", ["supernet"])], Choices: [new("", "none"), new("latency", "latency")]),
                new("constraint.max", "at most (absolute)", "Constraint", "number", ShownWhen: [new("constraint.metric")]),
                new("predictor.model", "accuracy", "Budget", "choice", ShownWhen: [new("space", ["supernet"])], Choices: [new("", "measure"), new("fasttree", "predict")]),
                new("budget.evaluations", "evaluations", "Budget", "integer", Default: "100"),
                new("predictor.confirm", "to confirm", "Budget", "integer", Default: "10", ShownWhen: [new("predictor.model", ["fasttree"])]),
            ], "none"),
            new KindView("circuit", "circuit (a kind no dashboard code names)", "", ["anneal"],
            [
                new("qubits", "qubits", "What to design", "integer", Default: "4"),
                new("device.name", "device", "What to design", "choice", ChoicesFrom: "targets"),
                new("agent", "agent", "What to design", "choice", ChoicesFrom: "agents"),
            ], "none"),
        ],
        [
            new AgentView("ddpg", "", ["prune"], false), new AgentView("uniform", "", ["prune"], true), new AgentView("random", "", ["prune", "nas"], true),
            new AgentView("evolution", "", ["nas"], false), new AgentView("nsga2", "", ["nas"], false), new AgentView("anneal", "", ["circuit"], false),
        ],
        [new TargetView("bitfusion", "analytic", "BitFusion"), new TargetView("torchsharp-cpu", "measured", "CPU")],
        ["mnist", "fashion-mnist"],
        ["lenet5", "resnet20"],
        ["fashion"]);

    public Task<Page<JobView>> Jobs(string? status, int offset, int limit, CancellationToken cancellation = default) =>
        Task.FromResult(new Page<JobView>([.. JobList.Where(j => status is null || j.Status == status).Skip(offset).Take(limit)], offset, limit, JobList.Count));

    public Task<JobView?> Job(Guid id, CancellationToken cancellation = default) => Task.FromResult(JobList.FirstOrDefault(j => j.Id == id));

    /// <summary>Each job's candidates, by job.</summary>
    public Dictionary<Guid, List<CandidateResult>> CandidateLists { get; } = [];

    public Task<Page<CandidateResult>?> Candidates(Guid id, int offset, int limit, CancellationToken cancellation = default)
    {
        var all = CandidateLists.GetValueOrDefault(id) ?? [];
        return Task.FromResult<Page<CandidateResult>?>(new Page<CandidateResult>([.. all.Skip(offset).Take(limit)], offset, limit, all.Count));
    }

    public Task<IReadOnlyList<ParetoPoint>?> Pareto(Guid id, CancellationToken cancellation = default) => Task.FromResult<IReadOnlyList<ParetoPoint>?>([]);

    public Task<CandidateLayers?> Layers(Guid id, int candidate, string? target, CancellationToken cancellation = default) => Task.FromResult<CandidateLayers?>(null);

    public Task<ApiOutcome<JobView>> Submit(JsonObject spec, CancellationToken cancellation = default)
    {
        Submitted.Add(spec);
        return Task.FromResult(SubmitAnswer(spec));
    }

    public Task<CatalogView> Catalog(CancellationToken cancellation = default) => Task.FromResult(CatalogAnswer);

    public Task<ApiOutcome<JobView>> Cancel(Guid id, CancellationToken cancellation = default) => throw new NotSupportedException();

    public string ExportUrl(Guid id, int candidate, string format) => $"api/jobs/{id}/export?candidate={candidate}&format={format}";

    public Task<ModelsView> Models(CancellationToken cancellation = default) =>
        Task.FromResult(new ModelsView(["lenet5", "resnet20"], "", [], [], ["mnist", "fashion-mnist"]));

    public Task<IReadOnlyList<TargetView>> Targets(CancellationToken cancellation = default) => Task.FromResult(CatalogAnswer.Targets);

    public Task<IReadOnlyList<DeviceView>> Devices(CancellationToken cancellation = default) => Task.FromResult<IReadOnlyList<DeviceView>>([]);

    public Task<IReadOnlyList<SweepView>> Sweeps(CancellationToken cancellation = default) => Task.FromResult<IReadOnlyList<SweepView>>([]);

    public Task<IReadOnlyList<SweepRunView>?> SweepRuns(Guid id, CancellationToken cancellation = default) => Task.FromResult<IReadOnlyList<SweepRunView>?>([]);

    public Task<ApiOutcome<SweepView>> CreateSweep(SweepSpec spec, CancellationToken cancellation = default) => throw new NotSupportedException();

    public Task<ApiOutcome<SweepView>> UpdateSweep(Guid id, SweepSpec spec, CancellationToken cancellation = default) => throw new NotSupportedException();

    public Task<ApiOutcome<bool>> DeleteSweep(Guid id, CancellationToken cancellation = default) => throw new NotSupportedException();

    public static JobView Job(string kind, string model, string agent, string status, double? best, int candidates, int episodes, DateTime created, string? spec = null) =>
        new(Guid.NewGuid(), kind, model, "mnist", agent, status, created, null, null, new JobProgress(candidates, episodes), best, best is null ? null : 1000, 2000, null, null,
            JsonNode.Parse(spec ?? $$$"""{"kind":"{{{kind}}}","model":"{{{model}}}","dataset":"mnist","agent":"{{{agent}}}","constraint":{"metric":"flops","ratio":0.5}}""")!.AsObject(), null);
}
