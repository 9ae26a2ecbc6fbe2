using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Kinds.Heads;
using AutoDesign.Search.Tests.Jobs;

namespace AutoDesign.Search.Tests.Kinds;

/// <summary>Attention-pattern jobs: specs checked field by field, and real searches on a small GPT.</summary>
public sealed class HeadsJobTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    private static HeadsSpec Gpt(string agent, double ratio) => new()
    {
        Model = "gpt-w0.25-d0.5",
        Dataset = "sotu",
        Agent = agent,
        Constraint = new ConstraintSpec { Metric = "decode", Target = "serving-a100", Ratio = ratio },
        Budget = new EpisodeBudget { Episodes = 4, WarmupEpisodes = 2 },
        Seed = 3,
        Training = new BaseTraining { Epochs = 1, StepsPerEpoch = 10 },
        Sparsity = new SparsitySettings { Patterns = ["dense", "pages-p16-b64", "streaming-s4-w16"], Context = 4096, Batch = 64, ValidationSamples = 8, TestSamples = 16 },
    };

    private static JobPlan Plan(string json) => TestJobs.Plan(TestJobs.Parse(json), DataFolder.Default());

    private const string Valid = """{"kind":"heads","model":"gpt","dataset":"sotu","agent":"ddpg","constraint":{"metric":"decode","target":"serving-a100","ratio":0.6},"budget":{"episodes":10},"sparsity":{"batch":64}}""";

    [Fact]
    public void The_example_spec_plans_against_dense_attention()
    {
        var plan = Assert.IsType<HeadsPlan>(Plan(Valid));
        var cost = new HeadsCost(plan.BaseSpec, "decode", "serving-a100", 8192, 64);
        Assert.Equal(0.6 * cost.Of(null), plan.Constraint.Limit!.Value, 6);
        Assert.Equal(4, plan.Sparsity.PatternsFor(plan.BaseSpec).Count);
    }

    [Theory]
    [InlineData("\"sparsity\":{\"patterns\":[\"dense\",\"sliding\"]}", "sparsity.patterns[1]", "not an attention pattern")]
    [InlineData("\"sparsity\":{\"patterns\":[\"dense\",\"streaming-s4-w512\"]}", "sparsity.patterns[1]", "fits no attention layer of gpt: 4 sinks and a window of 512 cover more than the layer's 128 positions")]
    [InlineData("\"sparsity\":{\"patterns\":[\"dense\",\"pages-p24-b48\"]}", "sparsity.patterns[1]", "does not divide the context of 128")]
    [InlineData("\"sparsity\":{\"patterns\":[\"dense\"]}", "sparsity.patterns", "2 to 16 patterns")]
    [InlineData("\"sparsity\":{\"context\":0}", "sparsity.context", "between 1 and")]
    [InlineData("\"sparsity\":{\"passkeys\":-1}", "sparsity.passkeys", "between 0 (none) and 10,000")]
    public void Bad_sparsity_settings_are_named(string section, string field, string reason)
    {
        var error = Assert.Throws<InvalidSpecException>(() => Plan(Valid.Replace("\"sparsity\":{\"batch\":64}", section)));
        Assert.Contains(error.Errors, e => e.Field == field && e.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Passkeys_need_a_context_that_holds_a_passkey_window()
    {
        string shortContext = Valid.Replace("\"dataset\":\"sotu\"", "\"dataset\":\"sotu-64\"")
            .Replace("\"sparsity\":{\"batch\":64}", "\"sparsity\":{\"passkeys\":8,\"patterns\":[\"dense\",\"streaming-s4-w16\"]}");
        var error = Assert.Throws<InvalidSpecException>(() => Plan(shortContext));
        Assert.Contains(error.Errors, e => e.Field == "sparsity.passkeys" && e.Reason.Contains("needs a context of at least 103 tokens; gpt reads 64", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"metric\":\"flops\",\"ratio\":0.5}", "constraint.metric", "'flops' is unknown for heads")]
    [InlineData("{\"metric\":\"prefill\",\"ratio\":0.5}", "constraint.target", "is required for prefill")]
    [InlineData("{\"metric\":\"decode\",\"target\":\"bitfusion\",\"ratio\":0.5}", "constraint.target", "is not a serving GPU")]
    [InlineData("{\"metric\":\"memory\",\"target\":\"serving-a100\",\"ratio\":0.5}", "constraint.target", "applies to prefill and decode")]
    [InlineData("{\"metric\":\"decode\",\"target\":\"serving-a100\",\"ratio\":0.01}", "constraint.ratio", "cannot be met")]
    [InlineData("{\"metric\":\"memory\"}", "constraint", "exactly one of")]
    public void Bad_constraints_are_named(string constraint, string field, string reason)
    {
        var error = Assert.Throws<InvalidSpecException>(() => Plan(Valid.Replace("{\"metric\":\"decode\",\"target\":\"serving-a100\",\"ratio\":0.6}", constraint)));
        Assert.Contains(error.Errors, e => e.Field == field && e.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_bad_field_is_named_at_once()
    {
        var error = Assert.Throws<InvalidSpecException>(() => Plan(Valid.Replace("\"target\":\"serving-a100\",", "").Replace("\"sparsity\":{\"batch\":64}", "\"sparsity\":{\"patterns\":[\"dense\",\"sliding\"]}")));
        Assert.Contains(error.Errors, e => e.Field == "sparsity.patterns[1]");
        Assert.Contains(error.Errors, e => e.Field == "constraint.target");
    }

    [Fact]
    public void An_image_model_is_refused()
    {
        string vit = """{"kind":"heads","model":"vit","dataset":"fashion-mnist","agent":"ddpg","constraint":{"metric":"memory","ratio":0.5},"budget":{"episodes":1}}""";
        var error = Assert.Throws<InvalidSpecException>(() => Plan(vit));
        Assert.Contains(error.Errors, e => e.Field == "model" && e.Reason.Contains("language models", StringComparison.Ordinal));
    }

    [Fact]
    public void A_heads_job_meets_its_decode_budget_rewards_perplexity_and_saves_its_patterns_and_the_importance_recipe_stops_when_it_fits()
    {
        string directory = Path.Combine(_data.Root, "best");
        var result = TestJobs.Run(Gpt("ddpg", 0.6), _data.Folder, directory);

        Assert.Equal(4, result.Candidates.Count);
        Assert.Equal("ms", result.Constraint.Unit);
        double dense = result.Best.Metrics!["floatValidationPerplexity"];
        var plan = (HeadsPlan)TestJobs.Plan(Gpt("ddpg", 0.6), _data.Folder);
        Assert.All(result.Candidates, c =>
        {
            Assert.True(c.ConstrainedValue <= result.BudgetLimit!.Value);
            Assert.Equal(-HeadsScorer.RewardScale * Math.Log(c.Metrics!["perplexity"] / dense), c.Reward, 9);
            Assert.All(c.Policy, p => Assert.Matches(@"^block\d_attention\[\d\]$", p.Layer));
            // Its MACs are its network's: the spec with its patterns.
            Assert.Equal(JobKinds.Find("heads")!.NetworkOf(plan, c, _data.Folder).Spec.Analyze().Macs, c.Flops);
        });
        Assert.Contains(result.Best.Policy, p => p.Choice != "dense"); // 0.6 of dense decode needs sparse heads
        Assert.True(result.Best.Flops <= plan.BaseSpec.Analyze().Macs);

        var saved = SavedModel.Load(directory);
        var attention = saved.Spec.Layers.Where(l => l.Op == LayerOp.Attention).ToList();
        Assert.Equal(result.Best.Policy.Select(p => p.Choice), attention.SelectMany(l => l.Heads ?? Enumerable.Repeat("dense", 2)));
        Assert.InRange(result.Best.Metrics["testPerplexity"], 1, 200);
        Assert.True(result.Best.Metrics["decodeMs@serving-a100 batch 64 context 4096 (modelled)"] <= result.Best.Metrics["decodeMs@serving-a100 batch 64 context 4096, dense (modelled)"]);

        // The importance recipe (the same base model): one policy, the fewest sparse heads that meet the budget.
        ImportanceRecipe();
        Evolution();
    }

    // Evolution, scoring passkey retrieval too: the reward also counts the key digits lost against dense.
    private void Evolution()
    {
        var spec = Gpt("evolution", 0.6);
        var result = TestJobs.Run(spec with { Sparsity = spec.Sparsity! with { Passkeys = 6 } }, _data.Folder);

        Assert.Equal(4, result.Candidates.Count);
        Assert.Equal(4, result.Candidates.Select(c => string.Join(",", c.Policy.Select(p => p.Choice))).Distinct().Count());
        var dense = result.Best.Metrics!;
        Assert.All(result.Candidates, c =>
        {
            Assert.True(c.ConstrainedValue <= result.BudgetLimit!.Value);
            Assert.InRange(c.Metrics!["retrievalDigits"], 0, 1);
            Assert.Equal(-HeadsScorer.RewardScale * (Math.Log(c.Metrics["perplexity"] / dense["floatValidationPerplexity"])
                                                     + dense["floatValidationRetrievalDigits"] - c.Metrics["retrievalDigits"]), c.Reward, 9);
        });
        Assert.InRange(dense["testRetrieval"], 0, 1);
        Assert.InRange(dense["floatTestRetrievalDigits"], 0, 1);
    }

    private void ImportanceRecipe()
    {
        var spec = Gpt("importance", 0.7);
        var result = TestJobs.Run(spec, _data.Folder);

        var best = Assert.Single(result.Candidates);
        Assert.True(best.ConstrainedValue <= result.BudgetLimit!.Value);
        // Back one sparse head to dense and the budget fails: it stopped as soon as the budget held.
        var plan = (HeadsPlan)TestJobs.Plan(spec, _data.Folder);
        var cost = new HeadsCost(plan.BaseSpec, "decode", "serving-a100", 4096, 64);
        int last = best.Policy.ToList().FindLastIndex(p => p.Choice != "dense");
        var fewer = best.Policy.Select((p, i) => i == last ? p with { Choice = "dense" } : p)
            .GroupBy(p => p.Layer[..p.Layer.IndexOf('[')])
            .ToDictionary(g => g.Key, g => (IReadOnlyList<HeadPattern>)[.. g.Select(p => HeadPattern.Parse(p.Choice!))]);
        Assert.True(best.Policy.Count(p => p.Choice != "dense") == 1 || cost.Of(fewer) > result.BudgetLimit.Value);
    }
}
