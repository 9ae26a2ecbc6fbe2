using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Tests.Jobs;
using AutoDesign.Search.Tests.Tables;

namespace AutoDesign.Search.Tests.Kinds;

public sealed class NasPlanTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public NasPlanTests()
    {
        TestTables.Write(_data.Root);
        File.WriteAllText(Path.Combine(_data.Root, "broken.csv"), "a,b\n1,2\n3\n");
    }

    public void Dispose() => _data.Dispose();

    private const string Valid = """
        {"kind":"nas","space":{"type":"table","path":"PATH","decisions":["k0","k1","k2","e0","e1","e2","op"],"objective":"acc"},
         "agent":"evolution","constraint":{"metric":"lat_cpu","max":6.0},"budget":{"evaluations":100},"seed":1}
        """;

    private NasPlan Check(string json) => (NasPlan)TestJobs.Plan(TestJobs.Parse(json.Replace("PATH", Path.Combine(_data.Root, "bench.csv")).Replace("BROKEN", Path.Combine(_data.Root, "broken.csv"))), _data.Folder);

    [Fact]
    public void The_example_spec_is_valid_and_resolves_the_table()
    {
        var plan = Check(Valid);

        Assert.Equal("bench.csv", plan.Table!.Path); // under the data folder: kept relative to it
        Assert.Equal(("lat_cpu", 6.0), (plan.ConstraintMetric, plan.Limit));
        Assert.Equal(100, plan.Evaluations);
        Assert.Equal(["lat_cpu"], plan.Costs);
        Assert.Equal(10, plan.Evolution.Population); // a tenth of the budget
        Assert.Null(plan.Supernet);
    }

    [Theory]
    [InlineData(30, null, 8)]
    [InlineData(100, null, 10)]
    [InlineData(200, null, 20)]
    [InlineData(300, null, 30)]
    [InlineData(100, 40, 40)]
    public void Without_a_population_the_budget_chooses_it_and_a_given_one_wins(int evaluations, int? given, int expected)
    {
        string population = given is null ? "" : $"\"population\":{given},";
        var evolution = Check(Valid.Replace("\"evaluations\":100", $"\"evaluations\":{evaluations}")
            .Replace("\"seed\":1", $"\"evolution\":{{{population}\"mutationProbability\":0.2}},\"seed\":1"));
        var nsga2 = Check(Valid.Replace("\"evaluations\":100", $"\"evaluations\":{evaluations}").Replace("\"agent\":\"evolution\"", "\"agent\":\"nsga2\"")
            .Replace("\"seed\":1", given is null ? "\"seed\":1" : $"\"nsga2\":{{\"population\":{given}}},\"seed\":1"));

        Assert.Equal(expected, evolution.Evolution.Population);
        Assert.Equal(0.2, evolution.Evolution.MutationProbability);
        Assert.Equal(0.25, evolution.Evolution.ParentRatio); // OFA's
        Assert.Equal(expected, nsga2.Nsga2.Population);
        Assert.Equal(100, BudgetedPopulation.For(5_000));
    }

    [Fact]
    public void A_nas_spec_reads_back_what_it_writes()
    {
        var spec = (NasSpec)TestJobs.Parse(Valid.Replace("\"seed\":1", "\"seed\":1,\"evolution\":{\"population\":50}"));

        var again = (NasSpec)TestJobs.Parse(System.Text.Json.JsonSerializer.Serialize<JobSpec>(spec, AutoDesignJson.Options));

        Assert.Equal(50, again.Evolution!.Population);
        Assert.Equal(spec.Space!.Decisions, again.Space!.Decisions);
        Assert.Equal(100, again.Budget!.Evaluations);
    }

    [Fact]
    public void A_relative_path_is_found_under_the_data_folder_tables()
    {
        Directory.CreateDirectory(Path.Combine(_data.Root, "tables"));
        TestTables.Write(Path.Combine(_data.Root, "tables"), "mine.json");

        var plan = (NasPlan)TestJobs.Plan(TestJobs.Parse(Valid.Replace("PATH", "mine.json")), _data.Folder);

        Assert.Equal("mine.json", plan.Table!.Source);
        Assert.Equal(Path.Combine("tables", "mine.json"), plan.Table.Path);
    }

    [Theory]
    [InlineData("\"agent\":\"evolution\"", "\"agent\":\"ddpg\"", "agent", "'ddpg' is unknown for nas")]
    [InlineData("\"type\":\"table\"", "\"type\":\"graph\"", "space.type", "'graph' is unknown")]
    [InlineData("PATH", "nowhere.csv", "space.path", "no such file 'nowhere.csv'")]
    [InlineData("PATH", "BROKEN", "space.path", "line 3 has 1 fields")]
    [InlineData("\"e2\",", "\"e9\",", "space.decisions[5]", "'e9' is not a column")]
    [InlineData("\"decisions\":[\"k0\",", "\"decisions\":[\"k1\",", "space.decisions[1]", "listed twice")]
    [InlineData("\"objective\":\"acc\"", "\"objective\":\"top1\"", "space.objective", "'top1' is not a column")]
    [InlineData("\"objective\":\"acc\"", "\"objective\":\"op\"", "space.objective", "not numeric")]
    [InlineData("\"metric\":\"lat_cpu\"", "\"metric\":\"lat_tpu\"", "constraint.metric", "'lat_tpu' is not a column")]
    [InlineData("\"metric\":\"lat_cpu\"", "\"metric\":\"op\"", "constraint.metric", "not numeric")]
    [InlineData("\"max\":6.0", "\"max\":0.5", "constraint.max", "below every row's lat_cpu")]
    [InlineData("\"max\":6.0", "\"ratio\":0.5", "constraint.ratio", "absolute 'max'")]
    [InlineData("\"evaluations\":100", "\"evaluations\":0", "budget.evaluations", "between 1 and")]
    [InlineData("\"evaluations\":100", "\"evaluations\":5000", "budget.evaluations", "more than the")]
    [InlineData("\"evaluations\":100", "\"episodes\":100", "budget.episodes", "is not a field of a nas job spec's 'budget' section (its fields are evaluations, batch)")]
    [InlineData("\"seed\":1", "\"seed\":1,\"evolution\":{\"parentRatio\":0}", "evolution.parentRatio", "(0, 1)")]
    [InlineData("\"seed\":1", "\"seed\":1,\"evolution\":{\"parentRatio\":0.6}", "evolution.mutationRatio", "must not exceed 1")]
    [InlineData("\"seed\":1", "\"seed\":1,\"evolution\":{\"population\":1}", "evolution.population", "between 2")]
    [InlineData("\"seed\":1", "\"seed\":1,\"nsga2\":{}", "nsga2", "applies to agent 'nsga2'")]
    [InlineData("\"seed\":1", "\"seed\":1,\"model\":\"lenet5\"", "model", "is not a field of a nas job spec")]
    [InlineData("\"seed\":1", "\"seed\":1,\"supernet\":\"ofa-mbv3\",\"dataset\":\"fashion-mnist\"", "space", "not both")]
    [InlineData("\"seed\":1", "\"seed\":1,\"dataset\":\"mnist\"", "dataset", "applies to super-network spaces")]
    public void Each_bad_field_is_named_with_its_reason(string from, string to, string field, string reason)
    {
        Assert.Contains(from, Valid);
        var error = Assert.Throws<InvalidSpecException>(() => Check(Valid.Replace(from, to)));

        var problem = Assert.Single(error.Errors, e => e.Field == field);
        Assert.Contains(reason, problem.Reason);
    }

    [Theory]
    [InlineData("\"nsga2\":{\"objectives\":[\"lat_tpu\"]}", "nsga2.objectives[0]", "'lat_tpu' is not a column")]
    [InlineData("\"nsga2\":{\"objectives\":[\"lat_gpu\",\"acc\"]}", "nsga2.objectives[1]", "not a cost")]
    [InlineData("\"nsga2\":{\"crossoverProbability\":1.5}", "nsga2.crossoverProbability", "[0, 1]")]
    public void Nsga2_settings_are_checked_field_by_field(string settings, string field, string reason)
    {
        string json = Valid.Replace("\"agent\":\"evolution\"", "\"agent\":\"nsga2\"").Replace("\"seed\":1", "\"seed\":1," + settings);

        var error = Assert.Throws<InvalidSpecException>(() => Check(json));

        Assert.Contains(reason, Assert.Single(error.Errors, e => e.Field == field).Reason);
    }

    [Fact]
    public void Nsga2_needs_a_cost_and_takes_the_constraint_or_its_objectives()
    {
        string nsga2 = Valid.Replace("\"agent\":\"evolution\"", "\"agent\":\"nsga2\"");
        Assert.Equal(["lat_cpu"], Check(nsga2).Costs);
        Assert.Equal(["lat_gpu", "flops"], Check(nsga2.Replace("\"seed\":1", "\"seed\":1,\"nsga2\":{\"objectives\":[\"lat_gpu\",\"flops\"]}")).Costs);

        var error = Assert.Throws<InvalidSpecException>(() => Check(nsga2.Replace(",\"constraint\":{\"metric\":\"lat_cpu\",\"max\":6.0}", "")));
        Assert.Contains("needs a cost", Assert.Single(error.Errors, e => e.Field == "nsga2.objectives").Reason);
    }
}
