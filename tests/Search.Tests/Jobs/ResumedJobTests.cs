using AutoDesign.Modeling;
using AutoDesign.Search.Agents;
using System.Text.Json;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Kinds.Prune;
using AutoDesign.Search.Kinds.Quantize;
using AutoDesign.Search.Recovery;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutoDesign.Search.Tests.Jobs;

public sealed class ResumedJobTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("prune", "lenet5", 1)]
    [InlineData("quantize", "lenet5", 1)]
    [InlineData("prune", "lenet5", 3)]
    [InlineData("prune, screened", "lenet5", 1)] // which candidates are screened depends on the best before them, journal included
    public void A_job_stopped_part_way_resumes_to_the_candidates_an_unbroken_run_finds(string kind, string model, int batch)
    {
        var spec = ModelJob(kind, model, "ddpg", new EpisodeBudget { Episodes = 7, WarmupEpisodes = 2, Batch = batch }, seed: 5);

        var unbroken = TestJobs.Run(spec, _data.Folder, Path.Combine(_data.Root, "unbroken"));
        var journal = new MemoryJournal { StopAfter = 4 };
        Assert.Throws<OperationCanceledException>(() => TestJobs.Run(spec, _data.Folder, Path.Combine(_data.Root, "stopped"), journal: journal));
        journal.StopAfter = null;
        var resumed = TestJobs.Run(spec, _data.Folder, Path.Combine(_data.Root, "resumed"), journal: journal);

        Assert.Equal(7, journal.Candidates.Count); // what was recorded before the stop was not evaluated again
        Assert.Equal(Enumerable.Range(0, 7), journal.Candidates.Select(c => c.Index));
        Assert.Equal(Describe(unbroken.Candidates), Describe(resumed.Candidates));
        Assert.Equal(unbroken.Best.Index, resumed.Best.Index);
    }

    [Theory]
    [InlineData("evolution")]
    [InlineData("nsga2")]
    [InlineData("random")]
    public void A_table_search_stopped_part_way_resumes_to_the_candidates_an_unbroken_run_finds(string agent)
    {
        var spec = new NasSpec
        {
            Space = new SpaceSpec { Type = "table", Path = Tables.TestTables.Write(_data.Root), Decisions = Tables.TestTables.Decisions, Objective = "acc" },
            Agent = agent,
            Constraint = new ConstraintSpec { Metric = "lat_cpu", Max = 6.0 },
            Budget = new ArchitectureBudget { Evaluations = 90 },
            Seed = 4,
            Evolution = agent == "evolution" ? new() { Population = 20 } : null,
            Nsga2 = agent == "nsga2" ? new() { Population = 20 } : null,
        };
        var unbroken = TestJobs.Run(spec, _data.Folder);
        var journal = new MemoryJournal { StopAfter = 37 }; // inside the second generation
        Assert.Throws<OperationCanceledException>(() => TestJobs.Run(spec, _data.Folder, journal: journal));
        journal.StopAfter = null;
        var resumed = TestJobs.Run(spec, _data.Folder, journal: journal);

        Assert.Equal(90, journal.Candidates.Count);
        Assert.Equal(Enumerable.Range(0, 90), journal.Candidates.Select(c => c.Index));
        Assert.Equal(Choices(unbroken.Candidates), Choices(resumed.Candidates));
        Assert.Equal(unbroken.Best.Index, resumed.Best.Index);
    }

    [Fact]
    public void A_supernet_search_stopped_part_way_resumes_to_the_candidates_an_unbroken_run_finds()
    {
        TinySupernet.Save(_data.Folder);
        var spec = new NasSpec
        {
            Supernet = TinySupernet.Name,
            Agent = "evolution",
            Budget = new ArchitectureBudget { Evaluations = 9 },
            Seed = 6,
            Evolution = new() { Population = 4 },
            Recovery = new RecoverySpec { Epochs = 0 }, // the search's resumption is under test here
        };
        var unbroken = TestJobs.Run(spec, _data.Folder);
        var journal = new MemoryJournal { StopAfter = 6 }; // inside the second generation
        Assert.Throws<OperationCanceledException>(() => TestJobs.Run(spec, _data.Folder, journal: journal));
        journal.StopAfter = null;
        var resumed = TestJobs.Run(spec, _data.Folder, journal: journal);

        Assert.Equal(9, journal.Candidates.Count);
        Assert.Equal(Enumerable.Range(0, 9), journal.Candidates.Select(c => c.Index));
        Assert.Equal(Choices(unbroken.Candidates), Choices(resumed.Candidates));
        Assert.Equal(unbroken.Best.Index, resumed.Best.Index);
    }

    private static List<string> Choices(IEnumerable<CandidateResult> candidates) =>
        candidates.Select(c => $"{c.Index} {c.Accuracy:R} " + string.Join(",", c.Policy.Select(p => p.Choice))).ToList();

    private static List<string> Describe(IEnumerable<CandidateResult> candidates) =>
        candidates.Select(c => $"{c.Index} {c.Accuracy:R} {c.ConstrainedValue:R} " + string.Join(",", c.Policy.Select(p => $"{p.Channels}/{p.WBits}/{p.ABits}"))).ToList();

    /// <summary>What a worker on another silo does: builds the job's scorer from its plan alone, as it arrives in a grain message.</summary>
    private sealed class SeparateScorers(JobPlan plan, DataFolder folder) : IEvaluationPool
    {
        public Task<IReadOnlyList<CandidateResult>> EvaluateAsync(IReadOnlyList<EvaluationRequest> requests, CancellationToken cancellation)
        {
            var sent = JsonSerializer.Deserialize<JobPlan>(JsonSerializer.Serialize(plan, AutoDesignJson.Options), AutoDesignJson.Options)!;
            return Task.FromResult<IReadOnlyList<CandidateResult>>([.. requests.Select(r =>
            {
                using var scorer = JobKinds.Of(sent).CreateScorer(sent, folder, NullLogger.Instance, cancellation);
                return scorer.Score(r.Index, r.Actions, r.Bar) with { EvaluatedOn = "elsewhere" };
            })]);
        }
    }

    [Theory]
    [InlineData("prune")]
    [InlineData("quantize")]
    public void Candidates_scored_by_scorers_built_elsewhere_from_the_spec_equal_those_scored_in_the_job(string kind)
    {
        var spec = ModelJob(kind, "lenet5", "random", new EpisodeBudget { Episodes = 4, Batch = 2 }, seed: 3);
        var local = TestJobs.Run(spec, _data.Folder, Path.Combine(_data.Root, "local"));
        var spread = TestJobs.Run(spec, _data.Folder, Path.Combine(_data.Root, "spread"), evaluations: new SeparateScorers(TestJobs.Plan(spec, _data.Folder), _data.Folder));

        Assert.All(spread.Candidates.Where(c => c.EvaluatedOn is null), c => Assert.Fail($"candidate {c.Index} was not scored by the pool"));
        Assert.Equal(Describe(local.Candidates), Describe(spread.Candidates));
    }

    /// <summary>A small prune (FLOPs) or quantize (latency on Bit Fusion) job on lenet5 and MNIST.</summary>
    private static ModelJobSpec ModelJob(string kind, string model, string agent, EpisodeBudget budget, int seed)
    {
        var training = new BaseTraining { Epochs = 1, TrainLimit = 3_000 };
        return kind.StartsWith("prune", StringComparison.Ordinal)
            ? new PruneSpec
            {
                Model = model, Dataset = "mnist", Agent = agent, Budget = budget, Seed = seed, Training = training,
                Constraint = new ConstraintSpec { Metric = "flops", Ratio = 0.5 },
                Pruning = new PruningSettings { ValidationImages = 300, ScreenImages = kind.EndsWith("screened", StringComparison.Ordinal) ? 100 : 0 },
            }
            : new QuantizeSpec
            {
                Model = model, Dataset = "mnist", Agent = agent, Budget = budget, Seed = seed, Training = training,
                Constraint = new ConstraintSpec { Metric = "latency", Target = "bitfusion", Ratio = 0.5 },
                Quantization = new QuantizationSettings { ValidationImages = 300, FineTuneImages = 128, CalibrationImages = 64 },
            };
    }
}
