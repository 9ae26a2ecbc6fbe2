using AutoDesign.Modeling;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Kinds.Prune;
using AutoDesign.Search.Pruning;
using AutoDesign.Search.Tests.Jobs;

namespace AutoDesign.Search.Tests.Kinds;

/// <summary>A prune spec read as the API reads it and checked once into its plan; what is wrong is named field by field.</summary>
public class PrunePlanTests
{
    private const string Valid = """
        {"kind":"prune","model":"lenet5","dataset":"mnist","agent":"ddpg","constraint":{"metric":"flops","ratio":0.5},"budget":{"episodes":120,"warmupEpisodes":20},"seed":1}
        """;

    [Fact]
    public void The_example_spec_is_valid_and_resolves_its_budget()
    {
        var plan = Assert.IsType<PrunePlan>(Plan(Valid));

        Assert.Equal(0.5 * 416_520, plan.Constraint.Limit);
        Assert.Equal(120, plan.Episodes);
        Assert.Equal(20, plan.WarmupEpisodes);
        Assert.Equal(3_000, plan.Pruning.ValidationImages);
        Assert.Equal(416_520, plan.BaseSpec.Analyze().Macs);
        Assert.Equal((0.5, 0.95), (plan.InitialNoise, plan.NoiseDecay)); // AMC's exploration
    }

    [Fact]
    public void Without_settings_a_prune_job_has_AMCs_defaults()
    {
        var plan = Assert.IsType<PrunePlan>(Plan(Valid.Replace(",\"warmupEpisodes\":20", "")));

        Assert.True(plan.Pruning.Refit);
        Assert.Equal(ChannelRounding.Up, plan.Pruning.Rounding);
        Assert.Equal(0.2, plan.Pruning.LowerBound);
        Assert.Equal(8, plan.Pruning.ChannelMultiple);
        Assert.Equal(60, plan.WarmupEpisodes); // AMC's 100, at most half of the 120 episodes
    }

    [Theory]
    [InlineData("prune", 120, 60)]
    [InlineData("prune", 800, 100)] // AMC's own budget and warm-up
    [InlineData("quantize", 40, 20)]
    [InlineData("quantize", 600, 20)] // HAQ's
    [InlineData("quantize", 9, 4)]
    public void The_default_warm_up_is_the_papers_at_most_half_the_episodes(string kind, int episodes, int warmup)
    {
        string json = kind == "prune"
            ? $$$"""{"kind":"prune","model":"lenet5","dataset":"mnist","agent":"ddpg","constraint":{"metric":"flops","ratio":0.5},"budget":{"episodes":{{{episodes}}} } }"""
            : $$$"""{"kind":"quantize","model":"lenet5","dataset":"mnist","agent":"ddpg","constraint":{"metric":"latency","target":"bitfusion","ratio":0.5},"budget":{"episodes":{{{episodes}}} } }""";

        Assert.Equal(warmup, Assert.IsAssignableFrom<ModelJobPlan>(Plan(json)).WarmupEpisodes);
    }

    [Fact]
    public void A_plan_stored_before_rounding_was_a_setting_resumes_rounding_down()
    {
        string json = System.Text.Json.JsonSerializer.Serialize(Plan(Valid), AutoDesignJson.Options);
        Assert.Contains("\"rounding\":\"up\"", json);
        string stored = json.Replace(",\"rounding\":\"up\"", "").Replace("\"rounding\":\"up\",", "");

        var plan = Assert.IsType<PrunePlan>(System.Text.Json.JsonSerializer.Deserialize<JobPlan>(stored, AutoDesignJson.Options));

        Assert.Equal(ChannelRounding.Down, plan.Rounding); // as it ran before it was stopped
        Assert.Equal(ChannelRounding.Up, Assert.IsType<PrunePlan>(Plan(Valid)).Rounding);
    }

    [Fact]
    public void A_plan_reads_back_what_it_writes_and_is_what_the_spec_resolves_to()
    {
        var plan = Plan(Valid);

        string json = System.Text.Json.JsonSerializer.Serialize(plan, AutoDesignJson.Options);
        var again = System.Text.Json.JsonSerializer.Deserialize<JobPlan>(json, AutoDesignJson.Options);

        Assert.StartsWith("{\"kind\":\"prune\"", json);
        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(again, AutoDesignJson.Options));
    }

    [Theory]
    [InlineData("\"kind\":\"prune\"", "\"kind\":\"quantise\"", "kind", "'quantise' is not a kind of job: use prune, quantize, nas")]
    [InlineData("\"model\":\"lenet5\"", "\"model\":\"lenet7\"", "model", "unknown model 'lenet7'")]
    [InlineData("\"dataset\":\"mnist\"", "\"dataset\":\"coco\"", "dataset", "unknown data set")]
    [InlineData("\"dataset\":\"mnist\"", "\"dataset\":\"imagenet\"", "dataset", "has no images")]
    [InlineData("\"agent\":\"ddpg\"", "\"agent\":\"ppo\"", "agent", "'ppo' is unknown")]
    [InlineData("\"ratio\":0.5", "\"ratio\":0", "constraint.ratio", "must be in (0, 1]")]
    [InlineData("\"ratio\":0.5", "\"ratio\":0.5,\"max\":1000", "constraint", "exactly one of")]
    [InlineData("\"ratio\":0.5", "\"ratio\":0.01", "constraint.ratio", "cannot be met")]
    [InlineData("\"metric\":\"flops\"", "\"metric\":\"speed\"", "constraint.metric", "'speed' is unknown")]
    [InlineData("\"metric\":\"flops\"", "\"metric\":\"latency\"", "constraint.target", "is required for latency")]
    [InlineData("\"metric\":\"flops\"", "\"metric\":\"latency\",\"target\":\"tpu-v9\"", "constraint.target", "unknown target 'tpu-v9'")]
    [InlineData("\"metric\":\"flops\"", "\"metric\":\"energy\",\"target\":\"torchsharp-cpu\"", "constraint.target", "does not model energy")]
    [InlineData("\"metric\":\"flops\"", "\"metric\":\"flops\",\"target\":\"bitfusion\"", "constraint.target", "applies to latency and energy")]
    [InlineData("\"episodes\":120", "\"episodes\":0", "budget.episodes", "between 1 and")]
    [InlineData("\"warmupEpisodes\":20", "\"warmupEpisodes\":120", "budget.warmupEpisodes", "below budget.episodes")]
    [InlineData("\"seed\":1", "\"seed\":1,\"pruning\":{\"lowerBound\":1.5}", "pruning.lowerBound", "(0, 1]")]
    [InlineData("\"seed\":1", "\"seed\":1,\"pruning\":{\"validationImages\":5}", "pruning.validationImages", "between 100")]
    [InlineData("\"seed\":1", "\"seed\":1,\"pruning\":{\"screenImages\":3000}", "pruning.screenImages", "between 100 and validationImages - 1")]
    [InlineData("\"seed\":1", "\"seed\":1,\"pruning\":{\"rounding\":\"sideways\"}", "pruning.rounding", "must be one of up, down")]
    [InlineData("\"seed\":1", "\"seed\":1,\"pruning\":{\"importance\":\"next\"}", "pruning.importance", "must be one of l1, l2, next-layer")]
    [InlineData("\"seed\":1", "\"seed\":1,\"pruning\":{\"rounding\":7}", "pruning.rounding", "must be one of up, down")]
    [InlineData("\"seed\":1", "\"seed\":1,\"pruning\":{\"importance\":1}", "pruning.importance", "must be one of l1, l2, next-layer")]
    public void Each_bad_field_is_named_with_its_reason(string from, string to, string field, string reason)
    {
        var error = Assert.Throws<InvalidSpecException>(() => Plan(Valid.Replace(from, to)));

        var problem = Assert.Single(error.Errors, e => e.Field == field);
        Assert.Contains(reason, problem.Reason);
    }

    [Fact]
    public void A_latency_budget_on_a_hardware_target_resolves_to_milliseconds()
    {
        var plan = (PrunePlan)Plan(Valid.Replace("\"metric\":\"flops\"", "\"metric\":\"latency\",\"target\":\"bitfusion\""));

        double full = AutoDesign.HardwareProfiler.Targets.HardwareTargets.Resolve("bitfusion").Measure(plan.BaseSpec).Latency.Value;
        Assert.Equal(0.5 * full, plan.Constraint.Limit!.Value, 12);
        Assert.Equal(("latency", "bitfusion"), (plan.Constraint.Metric, plan.Constraint.Target));
    }

    [Fact]
    public void Several_problems_are_reported_together()
    {
        var error = Assert.Throws<InvalidSpecException>(() => Plan("""{"kind":"prune","seed":2}"""));
        Assert.Equal(["agent", "dataset", "model", "budget.episodes"], error.Errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData("""{"kind":"prune","modle":"lenet5"}""", "modle", "is not a field of a prune job spec")]
    [InlineData("""{"kind":"prune","budget":{"episodes":"many"}}""", "budget.episodes", "")]
    [InlineData("""{"kind":"prune",""", "spec", "")]
    [InlineData("[]", "spec", "")]
    public void Malformed_json_names_where_it_broke(string json, string field, string reason)
    {
        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Parse(json));
        var problem = Assert.Single(error.Errors);
        Assert.Equal(field, problem.Field);
        Assert.Contains(reason, problem.Reason);
    }

    [Theory]
    [InlineData("""{"model":"lenet5"}""", "kind", "is required: one of prune, quantize, nas")]
    [InlineData("""{"kind":3}""", "kind", "must be a string")]
    [InlineData("""{"kind":"nas","model":"lenet5","pruning":{}}""", "model", "is not a field of a nas job spec")]
    [InlineData("""{"kind":"prune","budget":{"episodes":10,"evaluations":10}}""", "budget.evaluations", "is not a field of a prune job spec's 'budget' section (its fields are episodes, warmupEpisodes, batch)")]
    [InlineData("""{"kind":"prune","budget":{"episodes":"ten"}}""", "budget.episodes", "must be a whole number")]
    public void The_reader_refuses_what_the_kind_does_not_have(string json, string field, string reason)
    {
        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Parse(json));

        Assert.Contains(reason, Assert.Single(error.Errors, e => e.Field == field).Reason);
    }

    [Fact]
    public void Every_section_of_another_kind_is_reported_at_once()
    {
        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Parse("""
            {"kind":"prune","model":"lenet5","dataset":"mnist","agent":"ddpg","budget":{"episodes":10,"evaluations":10},"evolution":{},"space":{}}
            """));

        Assert.Equal(["budget.evaluations", "evolution", "space"], error.Errors.Select(e => e.Field));
    }

    private static JobPlan Plan(string json) => TestJobs.Plan(TestJobs.Parse(json), DataFolder.Default());
}
