using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Recovery;

namespace AutoDesign.Search.Tests.Jobs;

public sealed class SupernetNasJobTests : IDisposable
{
    private readonly TestDataFolder _data = new();
    private readonly double _smallest, _largest;

    public SupernetNasJobTests()
    {
        TinySupernet.Save(_data.Folder);
        var space = new SubnetSpace(TinySupernet.Layout());
        _smallest = TinySupernet.Macs(space.Layout, space.Smallest);
        _largest = TinySupernet.Macs(space.Layout, space.Largest);
    }

    public void Dispose() => _data.Dispose();

    private double Middle => (_smallest + _largest) / 2;

    private NasSpec Spec(string agent = "evolution", int evaluations = 10) => new()
    {
        Supernet = TinySupernet.Name,
        Dataset = "mnist",
        Agent = agent,
        Constraint = new ConstraintSpec { Metric = "flops", Max = Middle },
        Budget = new ArchitectureBudget { Evaluations = evaluations },
        Seed = 1,
        Evolution = agent == "evolution" ? new() { Population = 4 } : null,
        Recovery = new RecoverySpec { Epochs = 0 }, // the saved network is the sub-network as scored (see the recovery test)
    };

    [Fact]
    public void Every_candidate_meets_the_flops_budget_and_the_best_is_saved_as_an_ordinary_model()
    {
        string best = Path.Combine(_data.Root, "best");

        var result = TestJobs.Run(Spec(), _data.Folder, best);

        Assert.Equal(10, result.Candidates.Count);
        Assert.Equal(10, result.Candidates.Select(c => string.Join(",", c.Policy.Select(p => p.Choice))).Distinct().Count());
        foreach (var candidate in result.Candidates)
        {
            Assert.True(candidate.ConstrainedValue <= Middle, $"{candidate.ConstrainedValue} > {Middle}");
            Assert.Equal(candidate.Flops, candidate.Metrics!["flops"]);
            Assert.InRange(candidate.Accuracy, 0, 1);
        }
        Assert.Equal(result.Candidates.Max(c => c.Accuracy), result.Best.Accuracy);
        Assert.Equal(new SubnetSpace(TinySupernet.Layout()).Decisions.Select(d => d.Name), result.Best.Policy.Select(p => p.Layer));
        Assert.Equal(new ConstraintResult("flops", "MACs", null, null, null), result.Constraint);
        var saved = SavedModel.Load(best);
        Assert.Equal(result.Best.Flops, saved.Card.Macs);
        Assert.True(result.Best.Flops <= Middle);
        Assert.Equal(saved.Card.TestAccuracy, result.Best.TestAccuracy);
        Assert.Equal(best, result.Best.SavedModel);
    }

    [Fact]
    public void The_best_sub_network_is_recovered_with_the_super_networks_recipe_before_it_is_saved()
    {
        TinySupernet.Save(_data.Folder, name: "tiny-quick", training: new ShrinkingOptions { TrainLimit = 2_000 });
        var spec = Spec("random", evaluations: 3) with { Supernet = "tiny-quick", Recovery = new RecoverySpec { Epochs = 2, LearningRate = 0.05 } };

        var result = TestJobs.Run(spec, _data.Folder, Path.Combine(_data.Root, "best"));

        var recovered = Assert.IsType<RecoveryResult>(result.Best.Recovered);
        Assert.Equal(result.Best.TestAccuracy, recovered.TestAccuracyBefore);
        Assert.True(recovered.TestAccuracy > recovered.TestAccuracyBefore + 0.05, $"{recovered.TestAccuracyBefore:P2} -> {recovered.TestAccuracy:P2}");
        var saved = SavedModel.Load(result.Best.SavedModel);
        Assert.Equal(recovered.TestAccuracy, saved.Card.TestAccuracy);
        Assert.Equal(2, saved.Card.History.Count);
        Assert.Equal(result.Best.Flops, saved.Card.Macs);
    }

    [Fact]
    public void Recovery_is_refused_for_a_table_search()
    {
        var spec = TestJobs.Parse("""{"kind":"nas","space":{"type":"table","path":"x.csv","decisions":["a"],"objective":"acc"},"agent":"random","budget":{"evaluations":2},"recovery":{"epochs":1}}""");

        Assert.Contains(Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(spec, _data.Folder)).Errors, e => e.Field == "recovery");
    }

    [Theory]
    [InlineData("latency")]
    [InlineData("energy")]
    public void A_latency_or_energy_budget_on_an_analytic_target_holds_for_every_candidate(string metric)
    {
        var target = HardwareTargets.Resolve("bitfusion", _data.Folder);
        var subnets = new SubnetSpace(TinySupernet.Layout());
        double Cost(SubnetChoice choice)
        {
            var report = target.Measure(SubnetExtraction.Spec(subnets.Layout, choice, "probe"));
            return metric == "energy" ? report.Energy!.Value : report.Latency.Value;
        }
        double middle = (Cost(subnets.Smallest) + Cost(subnets.Largest)) / 2;
        var spec = Spec("random", evaluations: 5) with { Constraint = new ConstraintSpec { Metric = metric, Target = "bitfusion", Max = middle } };

        var result = TestJobs.Run(spec, _data.Folder, "");

        Assert.Equal(5, result.Candidates.Count);
        foreach (var candidate in result.Candidates)
        {
            Assert.Equal(candidate.Metrics![metric], candidate.ConstrainedValue);
            Assert.Equal(Cost(SupernetPolicy.Decode(subnets, candidate.Policy)), candidate.ConstrainedValue, 9);
            Assert.True(candidate.ConstrainedValue <= middle, $"{candidate.ConstrainedValue} > {middle}");
        }
        Assert.Equal(new ConstraintResult(metric, metric == "energy" ? "mJ" : "ms", "bitfusion", "analytic", null), result.Constraint);
        Assert.Equal("", result.Best.SavedModel);
    }

    [Fact]
    public void Nsga2_trades_accuracy_against_the_measured_costs_within_the_budget()
    {
        var spec = Spec("nsga2", evaluations: 6) with { Nsga2 = new() { Population = 4, Objectives = ["flops", "params"] } };

        var result = TestJobs.Run(spec, _data.Folder, "");

        Assert.Equal(6, result.Candidates.Count);
        Assert.All(result.Candidates, c => Assert.True(c.Metrics!["flops"] <= Middle));
        Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(spec with { Nsga2 = new() { Objectives = ["latency"] } }, _data.Folder));
    }

    public static TheoryData<string, string> BadSpecs => new()
    {
        { "unknown-supernet", "supernet" },
        { "dataset", "dataset" },
        { "target", "constraint.target" },
        { "infeasible", "constraint.max" },
        { "budget", "budget.evaluations" },
        { "ratio", "constraint.ratio" },
        { "both", "space" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void A_bad_supernet_spec_names_the_field(string problem, string field)
    {
        var spec = Spec();
        spec = problem switch
        {
            "unknown-supernet" => spec with { Supernet = "no-such-supernet" },
            "dataset" => spec with { Dataset = "fashion-mnist" },
            "target" => spec with { Constraint = new ConstraintSpec { Metric = "latency", Target = "no-such-device", Max = 2 } },
            "infeasible" => spec with { Constraint = new ConstraintSpec { Metric = "flops", Max = _smallest - 1 } },
            "budget" => spec with { Budget = new ArchitectureBudget() },
            "ratio" => spec with { Constraint = new ConstraintSpec { Metric = "flops", Ratio = 0.5 } },
            _ => spec with { Space = new SpaceSpec { Type = "table", Path = "x.csv" } },
        };

        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(spec, _data.Folder));

        Assert.Contains(error.Errors, e => e.Field == field);
    }

    [Fact]
    public void A_supernet_found_by_path_needs_no_name()
    {
        var plan = (NasPlan)TestJobs.Plan(Spec() with { Supernet = Path.Combine(_data.Root, "supernets", TinySupernet.Name), Dataset = null }, _data.Folder);

        Assert.Equal(TinySupernet.Name, plan.Supernet!.Name);
        Assert.Equal(Path.Combine("supernets", TinySupernet.Name), plan.Supernet.Directory); // under the data folder: kept relative
    }
}
