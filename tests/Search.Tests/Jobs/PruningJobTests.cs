using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Kinds.Prune;
using AutoDesign.Search.Pruning;
using AutoDesign.Search.Recovery;

namespace AutoDesign.Search.Tests.Jobs;

public sealed class PruningJobTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    private static PruneSpec Spec(string model, string agent, bool refit = false) => new()
    {
        Model = model,
        Dataset = "mnist",
        Agent = agent,
        Constraint = new ConstraintSpec { Metric = "flops", Ratio = 0.5 },
        Budget = new EpisodeBudget { Episodes = 6, WarmupEpisodes = 3 },
        Seed = 3,
        Training = new BaseTraining { Epochs = 1, TrainLimit = 4_000 },
        Pruning = new PruningSettings { ValidationImages = 500, Refit = refit },
        Recovery = new RecoverySpec { Epochs = 0 }, // the saved network is the candidate as scored (RecoveryTests train it)
    };

    [Theory]
    [InlineData("lenet5", "ddpg", false)]
    [InlineData("resnet20-w0.25", "random", true)]
    public void A_job_meets_its_budget_and_reports_figures_measured_on_the_saved_pruned_network(string model, string agent, bool refit)
    {
        string bestDirectory = Path.Combine(_data.Root, "best");

        var result = TestJobs.Run(Spec(model, agent, refit), _data.Folder, bestDirectory);

        Assert.Equal(6, result.Candidates.Count);
        Assert.Equal(Enumerable.Range(0, 6), result.Candidates.Select(c => c.Index));
        Assert.All(result.Candidates, c => Assert.True(c.ConstrainedValue <= result.BudgetLimit, $"{c.ConstrainedValue} > {result.BudgetLimit}"));
        Assert.Equal(0.5 * result.Base.Flops, result.BudgetLimit);
        Assert.Equal(result.Candidates.Max(c => c.Reward), result.Candidates[result.Best.Index].Reward);

        var saved = SavedModel.Load(result.Best.SavedModel);
        Assert.Equal(result.Best.Flops, saved.Spec.Analyze().Macs);
        Assert.Equal(result.Best.Params, saved.Spec.Analyze().Params);
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        using var network = saved.CreateNetwork();
        using var evaluator = new PruningEvaluator(network, mnist.Validation.Sample(500), saved.Card.Mean, saved.Card.Std);
        Assert.Equal(result.Best.Accuracy, evaluator.Accuracy(network), 6);
        Assert.Equal(result.Best.TestAccuracy, saved.Card.TestAccuracy!.Value, 6);

        foreach (var point in result.Pareto) // nothing evaluated beats a front point on both axes
            Assert.DoesNotContain(result.Candidates, c => c.Flops < point.Flops && c.Accuracy > point.Accuracy);
    }

    [Fact]
    public void Screening_scores_in_full_only_the_candidates_that_could_beat_the_best_and_finds_the_same_best()
    {
        PruneSpec Random(int screen) => Spec("lenet5", "random") with
        {
            Budget = new EpisodeBudget { Episodes = 24 },
            Pruning = new PruningSettings { ValidationImages = 1_000, ScreenImages = screen, Refit = false }, // unrefitted candidates differ widely: some are cut
        };
        var full = TestJobs.Run(Random(0), _data.Folder, Path.Combine(_data.Root, "full"));
        var screened = TestJobs.Run(Random(250), _data.Folder, Path.Combine(_data.Root, "screened"));

        // The random agent proposes the same policies whatever the rewards, so the two runs can be compared one by one.
        static string Policy(CandidateResult c) => string.Join(",", c.Policy.Select(p => p.Channels));
        Assert.Equal(full.Candidates.Select(Policy), screened.Candidates.Select(Policy));
        var cut = screened.Candidates.Where(c => c.Metrics?.ContainsKey(SearchLoop.ScreenedImages) == true).ToList();
        Assert.NotEmpty(cut);
        Assert.All(cut, c => Assert.Equal(250, c.Metrics![SearchLoop.ScreenedImages]));
        Assert.All(screened.Candidates.Except(cut), c => Assert.Equal(full.Candidates[c.Index].Accuracy, c.Accuracy)); // scored in full: the same figure
        Assert.Equal(full.Best.Index, screened.Best.Index);
        Assert.Equal(full.Best.Accuracy, screened.Best.Accuracy);
        Assert.DoesNotContain(cut, c => c.Index == screened.Best.Index);
    }

    [Fact]
    public void The_uniform_baseline_proposes_one_policy_that_just_meets_the_budget()
    {
        var result = TestJobs.Run(Spec("lenet5", "uniform"), _data.Folder, Path.Combine(_data.Root, "best"));

        var only = Assert.Single(result.Candidates);
        Assert.InRange(only.ConstrainedValue / result.BudgetLimit!.Value, 0.75, 1.0);
    }

    [Fact]
    public void Refitting_by_least_squares_recovers_accuracy_lost_to_pruning()
    {
        var plain = TestJobs.Run(Spec("lenet5", "uniform") with { Training = new BaseTraining { Epochs = 2, TrainLimit = 6_000 } }, _data.Folder, Path.Combine(_data.Root, "plain"));
        var refitted = TestJobs.Run(Spec("lenet5", "uniform", refit: true) with { Training = new BaseTraining { Epochs = 2, TrainLimit = 6_000 } }, _data.Folder, Path.Combine(_data.Root, "refit"));

        Assert.Equal(plain.Best.Flops, refitted.Best.Flops);
        Assert.True(refitted.Best.Accuracy > plain.Best.Accuracy, $"refit {refitted.Best.Accuracy:P2} vs plain {plain.Best.Accuracy:P2}");
    }

    [Fact]
    public void A_latency_budget_on_a_hardware_target_is_met_by_every_candidate()
    {
        var spec = Spec("lenet5", "ddpg") with { Constraint = new ConstraintSpec { Metric = "latency", Target = "bitfusion", Ratio = 0.5 } };

        var result = TestJobs.Run(spec, _data.Folder, Path.Combine(_data.Root, "best"));

        Assert.Equal(new ConstraintResult("latency", "ms", "bitfusion", "analytic", 0.5), result.Constraint);
        Assert.All(result.Candidates, c => Assert.True(c.ConstrainedValue <= result.BudgetLimit, $"{c.ConstrainedValue} ms > {result.BudgetLimit} ms"));
        var saved = SavedModel.Load(result.Best.SavedModel);
        double latency = AutoDesign.HardwareProfiler.Targets.HardwareTargets.Resolve("bitfusion").Measure(saved.Spec).Latency.Value;
        Assert.Equal(latency, result.Best.ConstrainedValue, 12);
    }
}
