using AutoDesign.Modeling;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Agents.Evolution;
using AutoDesign.Search.Agents.Nsga2;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Tables;

namespace AutoDesign.Search.Tests.Tables;

public class TableSpaceTests
{
    private static readonly BenchmarkTable Table = BenchmarkTable.FromCsv(TestTables.Csv(), "bench.csv");

    [Fact]
    public void A_csv_table_reads_numeric_and_categorical_columns_and_quoted_fields()
    {
        Assert.Equal(["k0", "k1", "k2", "e0", "e1", "e2", "op", "acc", "lat_cpu", "lat_gpu", "flops"], Table.Columns);
        Assert.Equal(TestTables.Rows().Count(), Table.RowCount);
        Assert.True(Table.IsNumeric("acc"));
        Assert.False(Table.IsNumeric("op"));
        Assert.Equal(["conv", "sep,conv"], Enumerable.Range(0, Table.RowCount).Select(r => Table.Text("op", r)).Distinct().Order());
        Assert.Equal(TestTables.Rows().Select(r => r.Acc), Table.Numbers("acc"));
    }

    [Fact]
    public void A_json_table_reads_as_the_same_csv_table()
    {
        var json = BenchmarkTable.FromJson(TestTables.Json(), "bench.json");

        Assert.Equal(Table.Columns, json.Columns);
        foreach (var column in Table.Columns)
            Assert.Equal(Enumerable.Range(0, Table.RowCount).Select(r => Table.Text(column, r)), Enumerable.Range(0, json.RowCount).Select(r => json.Text(column, r)));
    }

    [Theory]
    [InlineData("a,b\n1,2\n3\n", "line 3 has 1 fields, the header 2")]
    [InlineData("a,a\n1,2\n", "a column appears twice")]
    [InlineData("a,b\n1,\"2\n", "line 2 ends inside quotes")]
    [InlineData("a,b\n", "no rows")]
    public void A_malformed_csv_says_where(string csv, string reason)
    {
        var error = Assert.Throws<TableFormatException>(() => BenchmarkTable.FromCsv(csv, "t.csv"));
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("""[{"a":1,"b":2},{"a":3}]""", "row 1 has other keys than row 0")]
    [InlineData("""{"a":1}""", "expected an array")]
    [InlineData("""[{"a":1,"b":null}]""", "'b' is null")]
    public void A_malformed_json_table_says_where(string json, string reason)
    {
        var error = Assert.Throws<TableFormatException>(() => BenchmarkTable.FromJson(json, "t.json"));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Decisions_are_the_distinct_values_and_only_rows_that_meet_the_constraint_are_allowed()
    {
        var space = new TableSpace(Table, TestTables.Decisions, "acc", "lat_cpu", 6.0);

        Assert.Equal([3.0, 5, 7], space.Decisions[0].Choices.Select(c => c.Value!.Value));
        Assert.Equal(["conv", "sep,conv"], space.Decisions[6].Choices.Select(c => c.Label));
        var expected = TestTables.Rows().Where(r => r.LatCpu <= 6.0).ToList();
        Assert.Equal(expected.Count, space.AllowedRows);
        Assert.True(space.AllowedRows < Table.RowCount);
        Assert.All(expected, r => Assert.True(space.Allows(r.Choices)));
        Assert.All(TestTables.Rows().Where(r => r.LatCpu > 6.0), r => Assert.False(space.Allows(r.Choices)));
        Assert.Equal(expected.Max(r => r.Acc), space.BestObjective);

        var first = expected[0];
        var score = space.Evaluate(first.Choices);
        Assert.Equal(first.Acc, score.Accuracy);
        Assert.Equal(first.LatGpu, score.Metrics["lat_gpu"]);
        Assert.DoesNotContain("k0", score.Metrics.Keys);
    }

    [Fact]
    public void A_vector_missing_from_the_table_is_repaired_to_its_nearest_row()
    {
        var space = new TableSpace(Table, TestTables.Decisions, "acc");
        var present = TestTables.Rows().Select(r => ChoiceVector.Key(r.Choices)).ToHashSet();
        var absent = Enumerable.Range(0, 1458).Select(Vector).First(v => !present.Contains(ChoiceVector.Key(v)));
        Assert.False(space.Allows(absent));
        var random = new SplitMix64(1);

        var repairs = Enumerable.Range(0, 30).Select(_ => space.Repair(absent, random)!).ToList();

        Assert.All(repairs, r => Assert.True(space.Allows(r)));
        Assert.All(repairs, r => Assert.Equal(1, r.Zip(absent).Count(p => p.First != p.Second))); // one decision changed, none more
        Assert.True(repairs.Select(ChoiceVector.Key).Distinct().Count() > 1, "ties are broken at random");
    }

    [Fact]
    public void A_row_over_the_constraint_is_repaired_to_an_allowed_row()
    {
        var space = new TableSpace(Table, TestTables.Decisions, "acc", "lat_cpu", 6.0);
        var over = TestTables.Rows().First(r => r.LatCpu > 6.0).Choices;

        var repaired = space.Repair(over, new SplitMix64(2))!;

        Assert.True(space.Allows(repaired));
        Assert.True(TestTables.Rows().Single(r => r.Choices.SequenceEqual(repaired)).LatCpu <= 6.0);
    }

    private static int[] Vector(int code)
    {
        var c = new int[7];
        for (int i = 0; i < 6; i++) { c[i] = code % 3; code /= 3; }
        c[6] = code;
        return c;
    }

    [Theory]
    [InlineData("evolution")]
    [InlineData("nsga2")]
    [InlineData("random")]
    public void Every_agent_proposes_only_rows_of_the_table_that_meet_the_constraint(string name)
    {
        var space = new TableSpace(Table, TestTables.Decisions, "acc", "lat_cpu", 6.0);
        ISearchAgent agent = name switch
        {
            "evolution" => new EvolutionAgent(space, new EvolutionOptions { Population = 30, MutationProbability = 0.3 }, 1),
            "nsga2" => new Nsga2Agent(space, 1, new Nsga2Options { Population = 30 }, 1),
            _ => new RandomChoiceAgent(space, 1),
        };
        var rows = TestTables.Rows().ToDictionary(r => ChoiceVector.Key(r.Choices));

        for (int i = 0; i < 300; i++)
        {
            var candidate = agent.Ask(1)[0];
            var choices = ChoiceVector.Of(candidate);
            Assert.True(rows.TryGetValue(ChoiceVector.Key(choices), out var row), $"({ChoiceVector.Key(choices)}) is not a row");
            Assert.True(row.LatCpu <= 6.0);
            agent.Tell([new Scored(candidate, row.Acc, [row.LatCpu])]);
        }
    }
}
