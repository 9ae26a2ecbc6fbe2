using AutoDesign.Modeling.Data;
using AutoDesign.Modeling;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Kinds.Heads;
using AutoDesign.Search.Tests.Jobs;

namespace AutoDesign.Search.Tests.Kinds;

/// <summary>Heads jobs on the video transformer: spatial and temporal heads under a MAC budget, and Sparse VideoGen's profiling as a baseline.</summary>
public sealed class VideoHeadsJobTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    private static HeadsSpec Video(string agent, double ratio) => new()
    {
        Model = "video-transformer-w0.5-d0.5",
        Dataset = "moving-mnist",
        Agent = agent,
        Constraint = new ConstraintSpec { Metric = "macs", Ratio = ratio },
        Budget = new EpisodeBudget { Episodes = 3, WarmupEpisodes = 1 },
        Seed = 2,
        Training = new BaseTraining { Epochs = 1, StepsPerEpoch = 4 },
        Sparsity = new SparsitySettings { ValidationSamples = 8, TestSamples = 8 },
    };

    [Fact]
    public void A_video_heads_job_meets_its_mac_budget_with_spatial_and_temporal_heads_and_profiling_offers_one_policy()
    {
        var plan = (HeadsPlan)TestJobs.Plan(Video("ddpg", 0.8), _data.Folder);
        Assert.Equal(["dense", "spatial", "temporal"], plan.Sparsity.PatternsFor(plan.BaseSpec).Select(p => p.Name));

        var result = TestJobs.Run(Video("ddpg", 0.8), _data.Folder);
        Assert.Equal("MACs", result.Constraint.Unit);
        double dense = result.Best.Metrics!["floatValidationError"];
        Assert.All(result.Candidates, c =>
        {
            Assert.True(c.ConstrainedValue <= result.BudgetLimit!.Value);
            Assert.Equal(c.Flops, c.ConstrainedValue); // the MACs of the spec with its patterns
            Assert.Equal(-HeadsScorer.RewardScale * Math.Log(c.Metrics!["error"] / dense), c.Reward, 9);
            Assert.All(c.Policy, p => Assert.Contains(p.Choice, new[] { "dense", "spatial", "temporal" }));
        });
        Assert.Contains(result.Best.Policy, p => p.Choice != "dense"); // 0.8 of dense MACs needs sparse heads
        Assert.NotEqual(result.Best.Metrics["floatTestError"], result.Best.Metrics["testError"]); // the test ran its patterns

        // Profiling (the same base model): one policy, each head spatial or temporal as its attention on calibration clips says.
        var profiled = TestJobs.Run(Video("profiling", 1.0), _data.Folder);
        var only = Assert.Single(profiled.Candidates);
        Assert.All(only.Policy, p => Assert.Contains(p.Choice, new[] { "spatial", "temporal" }));
    }

    [Fact]
    public void Serving_metrics_passkeys_and_profiling_a_language_model_are_refused_by_field()
    {
        var serving = Video("ddpg", 0.5) with { Constraint = new ConstraintSpec { Metric = "decode", Target = "serving-a100", Ratio = 0.5 } };
        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(serving, DataFolder.Default()));
        Assert.Contains(error.Errors, e => e.Field == "constraint.metric" && e.Reason.Contains("constrained by macs", StringComparison.Ordinal));

        var passkeys = Video("ddpg", 0.5) with { Sparsity = new SparsitySettings { Passkeys = 4 } };
        error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(passkeys, DataFolder.Default()));
        Assert.Contains(error.Errors, e => e.Field == "sparsity.passkeys");

        var text = Video("profiling", 0.5) with { Model = "gpt", Dataset = "sotu" };
        error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(text, DataFolder.Default()));
        Assert.Contains(error.Errors, e => e.Field == "agent" && e.Reason.Contains("video model", StringComparison.Ordinal));

        var onlySpatial = Video("profiling", 0.9) with { Sparsity = new SparsitySettings { Patterns = ["dense", "spatial"] } };
        error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(onlySpatial, DataFolder.Default()));
        Assert.Contains(error.Errors, e => e.Field == "sparsity.patterns" && e.Reason.Contains("offer both", StringComparison.Ordinal));

        var prune = """{"kind":"prune","model":"lenet5","dataset":"moving-mnist","agent":"ddpg","constraint":{"metric":"flops","ratio":0.5},"budget":{"episodes":2}}""";
        error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(TestJobs.Parse(prune), DataFolder.Default()));
        Assert.Contains(error.Errors, e => e.Field == "dataset" && e.Reason.Contains("is a video set", StringComparison.Ordinal));
    }
}
