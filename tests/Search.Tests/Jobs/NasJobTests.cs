using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Tests.Tables;

namespace AutoDesign.Search.Tests.Jobs;

public sealed class NasJobTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    private NasSpec Spec(string agent, string table = "bench.csv", int evaluations = 120) => new()
    {
        Space = new SpaceSpec { Type = "table", Path = TestTables.Write(_data.Root, table), Decisions = TestTables.Decisions, Objective = "acc" },
        Agent = agent,
        Constraint = new ConstraintSpec { Metric = "lat_cpu", Max = 6.0 },
        Budget = new ArchitectureBudget { Evaluations = evaluations },
        Seed = 2,
        Evolution = agent == "evolution" ? new() { Population = 30 } : null,
        Nsga2 = agent == "nsga2" ? new() { Population = 30, Objectives = ["lat_cpu", "lat_gpu"] } : null,
    };

    [Theory]
    [InlineData("evolution", "bench.csv")]
    [InlineData("nsga2", "bench.json")]
    [InlineData("random", "bench.csv")]
    public void A_table_search_evaluates_distinct_rows_that_meet_the_constraint_and_reports_the_best(string agent, string table)
    {
        var result = TestJobs.Run(Spec(agent, table), _data.Folder, Path.Combine(_data.Root, "best"));

        var rows = TestTables.Rows().ToList();
        string[] kernels = ["3", "5", "7"], expansions = ["3", "4", "6"];
        string Key(IEnumerable<string?> labels) => string.Join(",", labels);
        var byLabels = rows.ToDictionary(r => Key(r.Choices.Select((c, i) => i < 3 ? kernels[c] : i < 6 ? expansions[c] : c == 0 ? "conv" : "sep,conv")));

        Assert.Equal(120, result.Candidates.Count);
        Assert.Equal(120, result.Evaluations);
        Assert.Equal(Enumerable.Range(0, 120), result.Candidates.Select(c => c.Index));
        Assert.Equal(120, result.Candidates.Select(c => Key(c.Policy.Select(p => p.Choice))).Distinct().Count());
        foreach (var candidate in result.Candidates)
        {
            var row = byLabels[Key(candidate.Policy.Select(p => p.Choice))]; // a row of the table
            Assert.Equal(row.Acc, candidate.Accuracy);
            Assert.Equal(row.LatCpu, candidate.ConstrainedValue);
            Assert.True(row.LatCpu <= 6.0);
            Assert.Equal(row.LatGpu, candidate.Metrics!["lat_gpu"]);
        }
        Assert.Equal(result.Candidates.Max(c => c.Accuracy), result.Best.Accuracy);
        Assert.Equal(TestTables.Decisions, result.Best.Policy.Select(p => p.Layer));
        Assert.Equal(result.Candidates[result.Best.Index].Policy, result.Best.Policy);
        Assert.Equal(new ConstraintResult("lat_cpu", "", null, null, null), result.Constraint);
        Assert.Equal(6.0, result.BudgetLimit);
        Assert.Equal(rows.Where(r => r.LatCpu <= 6.0).Max(r => r.Acc), result.Base.Accuracy);
        var k0 = result.Best.Policy[0];
        Assert.Equal(double.Parse(k0.Choice!, System.Globalization.CultureInfo.InvariantCulture), k0.Value);
        Assert.Null(result.Best.Policy[6].Value); // categorical
        foreach (var point in result.Pareto)
            Assert.DoesNotContain(result.Candidates, c => c.ConstrainedValue < point.ConstrainedValue && c.Accuracy > point.Accuracy);
    }

    [Fact]
    public void The_budget_can_take_every_row_that_meets_the_constraint()
    {
        int allowed = TestTables.Rows().Count(r => r.LatCpu <= 6.0);

        var result = TestJobs.Run(Spec("evolution", evaluations: allowed), _data.Folder, Path.Combine(_data.Root, "best"));

        Assert.Equal(allowed, result.Evaluations);
        Assert.Equal(result.Base.Accuracy, result.Best.Accuracy); // with every row seen, the best is the table's best
    }

    [Fact]
    public void Evolution_beats_random_on_the_table_at_equal_evaluations()
    {
        double Mean(string agent) => Enumerable.Range(1, 5).Average(seed =>
            TestJobs.Run(Spec(agent, evaluations: 60) with { Seed = seed, Constraint = new ConstraintSpec { Metric = "lat_cpu", Max = 8.0 }, Evolution = agent == "evolution" ? new() { Population = 20 } : null },
                _data.Folder, Path.Combine(_data.Root, "best")).Best.Accuracy);

        double evolution = Mean("evolution"), random = Mean("random");

        Assert.True(evolution > random, $"evolution {evolution:F4} vs random {random:F4}");
    }
}
