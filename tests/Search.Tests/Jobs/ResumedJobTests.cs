using AutoDesign.Modeling;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Jobs;
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
    public void A_job_stopped_part_way_resumes_to_the_candidates_an_unbroken_run_finds(string kind, string model, int batch)
    {
        var spec = new JobSpec
        {
            Kind = kind,
            Model = model,
            Dataset = "mnist",
            Agent = "ddpg",
            Constraint = kind == "prune" ? new ConstraintSpec { Metric = "flops", Ratio = 0.5 } : new ConstraintSpec { Metric = "latency", Target = "bitfusion", Ratio = 0.5 },
            Budget = new BudgetSpec { Episodes = 7, WarmupEpisodes = 2, Batch = batch },
            Seed = 5,
            Training = new BaseTraining { Epochs = 1, TrainLimit = 3_000 },
            Pruning = kind == "prune" ? new PruningSettings { ValidationImages = 300 } : null,
            Quantization = kind == "quantize" ? new QuantizationSettings { ValidationImages = 300, FineTuneImages = 128, CalibrationImages = 64 } : null,
        };
        var logger = NullLogger.Instance;

        var unbroken = DesignJob.Run(spec, _data.Folder, logger, Path.Combine(_data.Root, "unbroken"));
        var journal = new MemoryJournal { StopAfter = 4 };
        Assert.Throws<OperationCanceledException>(() => DesignJob.Run(spec, _data.Folder, logger, Path.Combine(_data.Root, "stopped"), journal: journal));
        journal.StopAfter = null;
        var resumed = DesignJob.Run(spec, _data.Folder, logger, Path.Combine(_data.Root, "resumed"), journal: journal);

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
        var spec = new JobSpec
        {
            Kind = "nas",
            Space = new SpaceSpec { Type = "table", Path = Tables.TestTables.Write(_data.Root), Decisions = Tables.TestTables.Decisions, Objective = "acc" },
            Agent = agent,
            Constraint = new ConstraintSpec { Metric = "lat_cpu", Max = 6.0 },
            Budget = new BudgetSpec { Evaluations = 90 },
            Seed = 4,
            Evolution = agent == "evolution" ? new() { Population = 20 } : null,
            Nsga2 = agent == "nsga2" ? new() { Population = 20 } : null,
        };
        var logger = NullLogger.Instance;

        var unbroken = DesignJob.Run(spec, _data.Folder, logger, "");
        var journal = new MemoryJournal { StopAfter = 37 }; // inside the second generation
        Assert.Throws<OperationCanceledException>(() => DesignJob.Run(spec, _data.Folder, logger, "", journal: journal));
        journal.StopAfter = null;
        var resumed = DesignJob.Run(spec, _data.Folder, logger, "", journal: journal);

        Assert.Equal(90, journal.Candidates.Count);
        Assert.Equal(Enumerable.Range(0, 90), journal.Candidates.Select(c => c.Index));
        Assert.Equal(Choices(unbroken.Candidates), Choices(resumed.Candidates));
        Assert.Equal(unbroken.Best.Index, resumed.Best.Index);
    }

    [Fact]
    public void A_supernet_search_stopped_part_way_resumes_to_the_candidates_an_unbroken_run_finds()
    {
        TinySupernet.Save(_data.Folder);
        var spec = new JobSpec
        {
            Kind = "nas",
            Supernet = TinySupernet.Name,
            Agent = "evolution",
            Budget = new BudgetSpec { Evaluations = 9 },
            Seed = 6,
            Evolution = new() { Population = 4 },
        };
        var logger = NullLogger.Instance;

        var unbroken = DesignJob.Run(spec, _data.Folder, logger, "");
        var journal = new MemoryJournal { StopAfter = 6 }; // inside the second generation
        Assert.Throws<OperationCanceledException>(() => DesignJob.Run(spec, _data.Folder, logger, "", journal: journal));
        journal.StopAfter = null;
        var resumed = DesignJob.Run(spec, _data.Folder, logger, "", journal: journal);

        Assert.Equal(9, journal.Candidates.Count);
        Assert.Equal(Enumerable.Range(0, 9), journal.Candidates.Select(c => c.Index));
        Assert.Equal(Choices(unbroken.Candidates), Choices(resumed.Candidates));
        Assert.Equal(unbroken.Best.Index, resumed.Best.Index);
    }

    private static List<string> Choices(IEnumerable<CandidateResult> candidates) =>
        candidates.Select(c => $"{c.Index} {c.Accuracy:R} " + string.Join(",", c.Policy.Select(p => p.Choice))).ToList();

    private static List<string> Describe(IEnumerable<CandidateResult> candidates) =>
        candidates.Select(c => $"{c.Index} {c.Accuracy:R} {c.ConstrainedValue:R} " + string.Join(",", c.Policy.Select(p => $"{p.Channels}/{p.WBits}/{p.ABits}"))).ToList();

    /// <summary>What a worker on another silo does: builds the job's scorer from the spec alone.</summary>
    private sealed class SeparateScorers(JobSpec spec, DataFolder folder) : IEvaluationPool
    {
        public IReadOnlyList<CandidateResult> Evaluate(IReadOnlyList<EvaluationRequest> requests, CancellationToken cancellation) =>
            requests.Select(r =>
            {
                using var scorer = DesignJob.CreateScorer(spec, folder, NullLogger.Instance, cancellation);
                return scorer.Score(r.Index, r.Actions) with { EvaluatedOn = "elsewhere" };
            }).ToList();
    }

    [Theory]
    [InlineData("prune")]
    [InlineData("quantize")]
    public void Candidates_scored_by_scorers_built_elsewhere_from_the_spec_equal_those_scored_in_the_job(string kind)
    {
        var spec = new JobSpec
        {
            Kind = kind,
            Model = "lenet5",
            Dataset = "mnist",
            Agent = "random",
            Constraint = kind == "prune" ? new ConstraintSpec { Metric = "flops", Ratio = 0.5 } : new ConstraintSpec { Metric = "latency", Target = "bitfusion", Ratio = 0.5 },
            Budget = new BudgetSpec { Episodes = 4, Batch = 2 },
            Seed = 3,
            Training = new BaseTraining { Epochs = 1, TrainLimit = 3_000 },
            Pruning = kind == "prune" ? new PruningSettings { ValidationImages = 300 } : null,
            Quantization = kind == "quantize" ? new QuantizationSettings { ValidationImages = 300, FineTuneImages = 128, CalibrationImages = 64 } : null,
        };
        var local = DesignJob.Run(spec, _data.Folder, NullLogger.Instance, Path.Combine(_data.Root, "local"));
        var spread = DesignJob.Run(spec, _data.Folder, NullLogger.Instance, Path.Combine(_data.Root, "spread"), evaluations: new SeparateScorers(spec, _data.Folder));

        Assert.All(spread.Candidates.Where(c => c.EvaluatedOn is null), c => Assert.Fail($"candidate {c.Index} was not scored by the pool"));
        Assert.Equal(Describe(local.Candidates), Describe(spread.Candidates));
    }
}
