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
        Assert.Null(result.Best.Flops); // a row has no network to count; its columns are the metrics
        Assert.Null(result.Best.Params);
        Assert.Equal(byLabels[Key(result.Best.Policy.Select(p => p.Choice))].LatGpu, result.Best.Metrics!["lat_gpu"]);
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

    // 5^6 = 15,625 architectures whose accuracy adds one term per decision plus a pairwise bonus, as cell-based NAS
    // tables roughly do: good choices combine, which is what evolution exploits; the optimum is one row.
    private string SeparableTable()
    {
        var text = new System.Text.StringBuilder("d0,d1,d2,d3,d4,d5,acc,lat\n");
        for (int code = 0; code < 15_625; code++)
        {
            var d = new int[6];
            for (int i = 0, rest = code; i < 6; i++, rest /= 5) d[i] = rest % 5;
            double acc = 0.5 + Enumerable.Range(0, 6).Sum(i => 0.012 * ((d[i] * (i + 2) + 3) % 5)) + (d[0] == d[1] ? 0.01 : 0);
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{string.Join(",", d)},{acc:F4},{1 + d.Sum()}\n");
        }
        string path = Path.Combine(_data.Root, "separable.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Fact]
    public void With_only_a_budget_evolution_and_nsga2_beat_random_over_twenty_seeds_at_100_evaluations()
    {
        // With OFA's fixed population of 100, all 100 evaluations would go to one random generation.
        string table = SeparableTable();
        double Mean(string agent) => Enumerable.Range(1, 20).Average(seed => TestJobs.Run(new NasSpec
        {
            Space = new SpaceSpec { Type = "table", Path = table, Decisions = ["d0", "d1", "d2", "d3", "d4", "d5"], Objective = "acc" },
            Agent = agent,
            Budget = new ArchitectureBudget { Evaluations = 100 },
            Nsga2 = agent == "nsga2" ? new() { Objectives = ["lat"] } : null,
            Seed = seed,
        }, _data.Folder, Path.Combine(_data.Root, "best")).Best.Accuracy);

        double evolution = Mean("evolution"), nsga2 = Mean("nsga2"), random = Mean("random");

        Assert.True(evolution > random + 0.005, $"evolution {evolution:F4} vs random {random:F4}");
        Assert.True(nsga2 > random, $"nsga2 {nsga2:F4} vs random {random:F4}");
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
