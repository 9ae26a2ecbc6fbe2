using AutoDesign.Search.Jobs;

namespace AutoDesign.Search.Tests.Jobs;

public class JobSpecValidatorTests
{
    private const string Valid = """
        {"kind":"prune","model":"lenet5","dataset":"mnist","agent":"ddpg","constraint":{"metric":"flops","ratio":0.5},"budget":{"episodes":120,"warmupEpisodes":20},"seed":1}
        """;

    [Fact]
    public void The_example_spec_is_valid_and_resolves_its_budget()
    {
        var job = JobSpecValidator.Check(JobSpecJson.Parse(Valid));

        Assert.Equal(0.5 * 416_520, job.BudgetLimit);
        Assert.Equal(120, job.Episodes);
        Assert.Equal(20, job.WarmupEpisodes);
        Assert.Equal(3_000, job.Pruning.ValidationImages);
    }

    [Theory]
    [InlineData("\"kind\":\"prune\"", "\"kind\":\"quantise\"", "kind", "not supported")]
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
    public void Each_bad_field_is_named_with_its_reason(string from, string to, string field, string reason)
    {
        var error = Assert.Throws<JobSpecException>(() => JobSpecValidator.Check(JobSpecJson.Parse(Valid.Replace(from, to))));

        var problem = Assert.Single(error.Errors, e => e.Field == field);
        Assert.Contains(reason, problem.Reason);
    }

    [Fact]
    public void A_latency_budget_on_a_hardware_target_resolves_to_milliseconds()
    {
        var job = JobSpecValidator.Check(JobSpecJson.Parse(Valid.Replace("\"metric\":\"flops\"", "\"metric\":\"latency\",\"target\":\"bitfusion\"")));

        var lenet = job.Model!;
        double full = AutoDesign.HardwareProfiler.Targets.HardwareTargets.Resolve("bitfusion").Measure(lenet).Latency.Value;
        Assert.Equal(0.5 * full, job.BudgetLimit!.Value, 12);
        Assert.Equal("ms", job.Metric!.Unit);
    }

    [Fact]
    public void Several_problems_are_reported_together()
    {
        var error = Assert.Throws<JobSpecException>(() => JobSpecValidator.Check(JobSpecJson.Parse("""{"kind":"prune","seed":2}""")));
        Assert.Equal(["agent", "dataset", "model", "budget.episodes"], error.Errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData("""{"kind":"prune","modle":"lenet5"}""", "modle", "not a field of a job spec")]
    [InlineData("""{"kind":"prune","budget":{"episodes":"many"}}""", "budget.episodes", "")]
    [InlineData("""{"kind":"prune",""", "spec", "")]
    [InlineData("[]", "spec", "")]
    public void Malformed_json_names_where_it_broke(string json, string field, string reason)
    {
        var error = Assert.Throws<JobSpecException>(() => JobSpecJson.Parse(json));
        var problem = Assert.Single(error.Errors);
        Assert.Equal(field, problem.Field);
        Assert.Contains(reason, problem.Reason);
    }
}
