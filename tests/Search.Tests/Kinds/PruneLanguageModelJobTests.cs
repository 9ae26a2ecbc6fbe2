using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Kinds.Prune;
using AutoDesign.Search.Pruning;
using AutoDesign.Search.Recovery;
using AutoDesign.Search.Tests.Jobs;

namespace AutoDesign.Search.Tests.Kinds;

/// <summary>Prune jobs on language models: the settings that do not apply are named, and real searches on a small GPT and a small Llama.</summary>
/// <remarks>The class shares one data folder, so that the small GPT is trained once for the tests that prune it.</remarks>
public sealed class PruneLanguageModelJobTests(TestDataFolder data) : IClassFixture<TestDataFolder>
{
    private readonly TestDataFolder _data = data;

    private const string Valid = """
        {"kind":"prune","model":"gpt","dataset":"sotu","agent":"ddpg","constraint":{"metric":"flops","ratio":0.5},"budget":{"episodes":10},"seed":1}
        """;

    private static JobPlan Plan(string json) => TestJobs.Plan(TestJobs.Parse(json), DataFolder.Default());

    private static PruneSpec Spec(string model, string agent, int fineTuneEpochs = 0, RecoverySpec? recovery = null) => new()
    {
        Model = model,
        Dataset = "sotu",
        Agent = agent,
        Constraint = new ConstraintSpec { Metric = "flops", Ratio = 0.5 },
        Budget = new EpisodeBudget { Episodes = 4, WarmupEpisodes = 2 },
        Seed = 3,
        Training = new BaseTraining { Epochs = 1, StepsPerEpoch = 10 },
        Pruning = new PruningSettings { ValidationWindows = 16, TestWindows = 256, FineTuneEpochs = fineTuneEpochs },
        Recovery = recovery ?? (fineTuneEpochs > 0 ? null : new RecoverySpec { Epochs = 0 }),
    };

    [Fact]
    public void A_language_model_plans_with_validation_windows_and_without_the_refit()
    {
        var plan = Assert.IsType<PrunePlan>(Plan(Valid));

        Assert.Equal(PruningSettings.DefaultValidationWindows, plan.Pruning.ValidationWindows);
        Assert.False(plan.Pruning.Refit);
        Assert.Equal(0.5 * plan.BaseSpec.Analyze().Macs, plan.Constraint.Limit);
        string json = System.Text.Json.JsonSerializer.Serialize(plan, AutoDesignJson.Options);
        Assert.Contains("\"refit\":false", json);
        Assert.Contains("\"validationWindows\":64", json);

        var image = Assert.IsType<PrunePlan>(Plan(Valid.Replace("\"gpt\"", "\"lenet5\"").Replace("\"sotu\"", "\"mnist\"")));
        Assert.True(image.Pruning.Refit); // AMC's, as before
        Assert.Null(image.Pruning.ValidationWindows);
    }

    [Theory]
    [InlineData("gpt", "{\"refit\":true}", "pruning.refit", "only projections")]
    [InlineData("gpt", "{\"batchNormImages\":100}", "pruning.batchNormImages", "no batch norm")]
    [InlineData("llama", "{\"screenImages\":200}", "pruning.screenImages", "applies to image classifiers")]
    [InlineData("gpt", "{\"validationWindows\":0}", "pruning.validationWindows", "between 1 and 10,000")]
    [InlineData("llama", "{\"validationWindows\":20000}", "pruning.validationWindows", "between 1 and 10,000")]
    [InlineData("gpt", "{\"testWindows\":0}", "pruning.testWindows", "between 1 and 1,000,000")]
    [InlineData("lenet5", "{\"validationWindows\":64}", "pruning.validationWindows", "applies to language models")]
    [InlineData("lenet5", "{\"testWindows\":64}", "pruning.testWindows", "applies to language models")]
    public void A_setting_that_does_not_apply_to_the_model_is_named(string model, string pruning, string field, string reason)
    {
        string json = Valid.Replace("\"seed\":1", $"\"seed\":1,\"pruning\":{pruning}").Replace("\"gpt\"", $"\"{model}\"");
        if (model == "lenet5") json = json.Replace("\"sotu\"", "\"mnist\"");

        var error = Assert.Throws<InvalidSpecException>(() => Plan(json));

        var problem = Assert.Single(error.Errors);
        Assert.Equal(field, problem.Field);
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_latency_budget_on_an_analytic_target_costs_the_projections_and_attention()
    {
        var plan = Assert.IsType<PrunePlan>(Plan(Valid.Replace("\"metric\":\"flops\"", "\"metric\":\"latency\",\"target\":\"bitfusion\"")));

        var target = AutoDesign.HardwareProfiler.Targets.HardwareTargets.Resolve("bitfusion");
        Assert.Equal(0.5 * target.Measure(plan.BaseSpec).Latency.Value, plan.Constraint.Limit!.Value, 12);
        var space = new PruningSpace(plan.BaseSpec, metric: AutoDesign.HardwareProfiler.Costs.CostMetric.Latency(target), budget: plan.Constraint.Limit);
        Assert.True(space.MinimumCost < space.BaseCost); // cutting heads and channels is cheaper on it
    }

    [Theory]
    [InlineData("gpt-w0.25-d0.5", "ddpg")]
    [InlineData("llama-w0.5-d0.5", "random")] // two key/value heads, each read by two query heads
    public void A_prune_job_on_a_language_model_cuts_heads_and_mlp_channels_scores_next_tokens_and_saves_its_best(string model, string agent)
    {
        string directory = Path.Combine(_data.Root, $"best-{model}");
        var spec = Spec(model, agent);
        var result = TestJobs.Run(spec, _data.Folder, directory);

        var plan = (PrunePlan)TestJobs.Plan(spec, _data.Folder);
        var kind = JobKinds.Find("prune")!;
        Assert.Equal(4, result.Candidates.Count);
        Assert.Equal(0.5 * result.Base.Flops, result.BudgetLimit);
        Assert.All(result.Candidates, c =>
        {
            Assert.True(c.ConstrainedValue <= result.BudgetLimit, $"{c.ConstrainedValue} > {result.BudgetLimit}");
            var pruned = kind.NetworkOf(plan, c, _data.Folder).Spec.Analyze();
            Assert.Equal((pruned.Macs, pruned.Params), (c.Flops, c.Params));
            Assert.Equal(c.Flops, c.ConstrainedValue);
            Assert.InRange(c.Accuracy, 0, 1);
            Assert.True(c.Metrics!["perplexity"] > 1 && double.IsFinite(c.Metrics["perplexity"]), $"perplexity {c.Metrics["perplexity"]}");
            Assert.Equal(-(1 - c.Accuracy), c.Reward, 12); // AMC's reward under a budget, from next-token accuracy
        });

        // The best network lost attention heads (a llama's in whole key/value heads with the query heads reading them) and MLP channels.
        var best = result.Best;
        var saved = SavedModel.Load(best.SavedModel);
        var (before, after) = (plan.BaseSpec.Analyze(), saved.Spec.Analyze());
        Assert.Equal((best.Flops, best.Params), (after.Macs, after.Params));
        var blocks = plan.BaseSpec.Layers.Where(l => l.Op == LayerOp.Attention).Select(l => l.Name[..l.Name.IndexOf('_')]).ToList();
        int head = plan.BaseSpec.Layers.First(l => l.Op == LayerOp.Attention).HeadSize!.Value;
        Assert.Contains(blocks, b => after[$"{b}_q"].OutChannels < before[$"{b}_q"].OutChannels);
        Assert.Contains(blocks, b => after[$"{b}_up"].OutChannels < before[$"{b}_up"].OutChannels);
        Assert.All(blocks, b =>
        {
            Assert.Equal(0, after[$"{b}_k"].OutChannels % head);
            Assert.Equal(before[$"{b}_q"].OutChannels / before[$"{b}_k"].OutChannels, after[$"{b}_q"].OutChannels / after[$"{b}_k"].OutChannels);
            Assert.Equal(after[$"{b}_q"].OutChannels, after[$"{b}_o"].InChannels);
        });
        if (model.StartsWith("llama", StringComparison.Ordinal))
            Assert.Contains(blocks, b => after[$"{b}_k"].OutChannels < before[$"{b}_k"].OutChannels);

        // Tested on the test text, beside the base; saved with its figures; the same next-token accuracy as scored, run as a module.
        double testPerplexity = best.Metrics!["testPerplexity"];
        Assert.True(double.IsFinite(testPerplexity) && testPerplexity > 1, $"test perplexity {testPerplexity}");
        Assert.True(best.Metrics["floatTestPerplexity"] > 1);
        Assert.Equal(best.TestAccuracy, saved.Card.TestAccuracy!.Value, 12);
        Assert.Equal(testPerplexity, saved.Card.TestPerplexity!.Value, 12);
        var corpus = DatasetCatalog.LoadText("sotu", _data.Folder);
        using var network = saved.CreateNetwork();
        using (var evaluator = new TextPruningEvaluator(network, corpus.Validation, 16))
            Assert.Equal(best.Accuracy, evaluator.Accuracy(network), 6);

        // The service's export of the best: ONNX that ONNX Runtime loads.
        byte[] onnx = ModelExport.Write(network, "onnx", new HashSet<string>(), saved, _data.Folder);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        Assert.NotEmpty(session.OutputMetadata);
    }

    [Fact]
    public void The_best_language_model_is_recovered_with_the_language_model_training_loop_distilled_from_the_base_model()
    {
        var result = TestJobs.Run(Spec("gpt-w0.25-d0.5", "uniform", recovery: new RecoverySpec { Epochs = 1, Front = 1 }), _data.Folder, Path.Combine(_data.Root, "best-recovered"));

        var best = result.Best;
        var recovered = Assert.IsType<RecoveryResult>(best.Recovered);
        Assert.Equal((1, 1.0), (recovered.Epochs, recovered.Distillation));
        Assert.Equal(best.TestAccuracy, recovered.TestAccuracyBefore);
        var saved = SavedModel.Load(best.SavedModel);
        var report = Assert.Single(saved.Card.History);
        Assert.NotNull(report.ValidationPerplexity); // a language model's epoch
        Assert.Equal(recovered.TestAccuracy, saved.Card.TestAccuracy!.Value, 12);
        Assert.Equal(best.Metrics!["recoveredTestPerplexity"], saved.Card.TestPerplexity!.Value, 12);
        Assert.True(best.Metrics["recoveredTestPerplexity"] < best.Metrics["testPerplexity"],
            $"perplexity {best.Metrics["testPerplexity"]:F3} -> {best.Metrics["recoveredTestPerplexity"]:F3}");
    }

    [Fact]
    public void Fine_tune_epochs_recover_on_the_labels_alone()
    {
        var plan = Assert.IsType<PrunePlan>(TestJobs.Plan(Spec("gpt", "uniform", fineTuneEpochs: 2), _data.Folder));

        Assert.Equal((2, 0.0, 0), (plan.Recovery!.Epochs, plan.Recovery.Distillation, plan.Recovery.Front));
        var both = Spec("gpt", "uniform", fineTuneEpochs: 2, recovery: new RecoverySpec { Epochs = 1 });
        Assert.Contains(Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(both, _data.Folder)).Errors, e => e.Field == "pruning.fineTuneEpochs");
    }
}
