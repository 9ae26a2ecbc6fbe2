using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Kinds.Formats;
using AutoDesign.Search.Tests.Jobs;
using Microsoft.ML.OnnxRuntime;

namespace AutoDesign.Search.Tests.Kinds;

/// <summary>Serving-format jobs: specs checked field by field, and real searches on a small GPT and a small ViT.</summary>
public sealed class FormatsJobTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    private static FormatsSpec Gpt(string agent, double ratio) => new()
    {
        Model = "gpt-w0.25-d0.5",
        Dataset = "sotu",
        Agent = agent,
        Constraint = new ConstraintSpec { Metric = "memory", Ratio = ratio },
        Budget = new EpisodeBudget { Episodes = 4, WarmupEpisodes = 2 },
        Seed = 3,
        Training = new BaseTraining { Epochs = 1, StepsPerEpoch = 10 },
        Serving = new ServingSettings
        {
            Formats = ["fp16", "w8a8-smooth", "w4a16-awq-g32", "w4a8-g32"], Caches = ["kv16", "kv8", "kv4-smooth"],
            CalibrationSamples = 8, ValidationSamples = 8, TestSamples = 32, Batch = 8,
        },
    };

    private static JobPlan Plan(string json) => TestJobs.Plan(TestJobs.Parse(json), DataFolder.Default());

    private const string Valid = """{"kind":"formats","model":"gpt","dataset":"sotu","agent":"ddpg","constraint":{"metric":"memory","ratio":0.8},"budget":{"episodes":10}}""";

    [Fact]
    public void The_example_spec_plans_against_W8A8_with_an_8_bit_cache()
    {
        var plan = Assert.IsType<FormatsPlan>(Plan(Valid));
        var reference = new ServingCost(plan.BaseSpec, "memory", null, 1024, 1);
        Assert.Equal(0.8 * reference.Of(reference.Reference), plan.Constraint.Limit!.Value, 6);
        Assert.Equal(5, plan.WarmupEpisodes);
        Assert.Equal(6, plan.Serving.Formats.Count);
    }

    [Theory]
    [InlineData("\"serving\":{\"formats\":[\"fp16\",\"w3a3\"]}", "serving.formats[1]", "does not start with a format")]
    [InlineData("\"serving\":{\"caches\":[\"kv2\"]}", "serving.caches[0]", "not a KV cache format")]
    [InlineData("\"serving\":{\"context\":0}", "serving.context", "between 1 and")]
    [InlineData("\"serving\":{\"formats\":[\"fp16\",\"w4a4-svd-r2048-g64\"]}", "serving.formats[1]", "fits no projection of gpt: w4a4-svd-r2048-g64: rank 2048 is above")]
    [InlineData("\"serving\":{\"formats\":[\"w4a4-svd-r512-g64\"]}", "serving.formats", "no format offered fits layer 'block0_q' (256 x 256)")]
    public void Bad_serving_settings_are_named(string section, string field, string reason)
    {
        var error = Assert.Throws<InvalidSpecException>(() => Plan(Valid.Replace("\"budget\"", section + ",\"budget\"")));
        Assert.Contains(error.Errors, e => e.Field == field && e.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"metric\":\"flops\",\"ratio\":0.5}", "constraint.metric", "'flops' is unknown for formats")]
    [InlineData("{\"metric\":\"latency\",\"ratio\":0.5}", "constraint.target", "is required for latency")]
    [InlineData("{\"metric\":\"latency\",\"target\":\"bitfusion\",\"ratio\":0.5}", "constraint.target", "is not a serving GPU")]
    [InlineData("{\"metric\":\"memory\",\"target\":\"serving-a100\",\"ratio\":0.5}", "constraint.target", "applies to latency")]
    [InlineData("{\"metric\":\"memory\",\"ratio\":0.1}", "constraint.ratio", "cannot be met")]
    [InlineData("{\"metric\":\"memory\"}", "constraint", "exactly one of")]
    public void Bad_constraints_are_named(string constraint, string field, string reason)
    {
        var error = Assert.Throws<InvalidSpecException>(() => Plan(Valid.Replace("{\"metric\":\"memory\",\"ratio\":0.8}", constraint)));
        Assert.Contains(error.Errors, e => e.Field == field && e.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Latency_is_for_language_models_only()
    {
        string vit = """{"kind":"formats","model":"vit","dataset":"fashion-mnist","agent":"fixed","constraint":{"metric":"latency","target":"serving-a100","ratio":0.8},"budget":{"episodes":1}}""";
        var error = Assert.Throws<InvalidSpecException>(() => Plan(vit));
        Assert.Contains(error.Errors, e => e.Field == "constraint.metric" && e.Reason.Contains("language models", StringComparison.Ordinal));
    }

    [Fact]
    public void A_formats_job_on_a_language_model_meets_its_memory_budget_rewards_perplexity_and_saves_its_best_for_onnx_runtime()
    {
        string directory = Path.Combine(_data.Root, "best");
        var result = TestJobs.Run(Gpt("ddpg", 0.7), _data.Folder, directory);

        Assert.Equal(4, result.Candidates.Count);
        Assert.Equal("bytes", result.Constraint.Unit);
        double floatPerplexity = result.Best.Metrics!["floatValidationPerplexity"];
        Assert.All(result.Candidates, c =>
        {
            Assert.True(c.ConstrainedValue <= result.BudgetLimit!.Value);
            Assert.Equal(-FormatsScorer.RewardScale * Math.Log(c.Metrics!["perplexity"] / floatPerplexity), c.Reward, 9);
            Assert.All(c.Policy, p => Assert.NotNull(p.Choice));
        });
        var best = result.Best;
        Assert.Contains(best.Policy, p => p.Layer == "block0_attention" && p.Choice!.StartsWith("kv", StringComparison.Ordinal));
        Assert.Contains(best.Policy, p => p.Layer == "block1_down" && p.WBits is 4 or 8 or 16);
        Assert.InRange(best.Metrics["testPerplexity"], 1, 97);
        Assert.True(best.Metrics["decodeMs@serving-a100 batch 8 context 1024 (modelled)"] > 0);

        // Saved with its formats, and as ONNX Runtime runs them: the same perplexity there on the same windows.
        var saved = SavedModel.Load(directory);
        Assert.Equal(best.Policy.ToDictionary(p => p.Layer, p => p.Choice!), saved.Card.ServingFormats);
        Assert.Equal(best.TestAccuracy, saved.Card.TestAccuracy);
        var measured = best.Measured!;
        double onnxRuntime = measured.Single(m => m.Key.StartsWith("testPerplexity@onnxruntime-cpu", StringComparison.Ordinal)).Value;
        double torchSharp = measured.Single(m => m.Key.StartsWith("testPerplexity@torchsharp", StringComparison.Ordinal)).Value;
        Assert.InRange(onnxRuntime / torchSharp, 0.98, 1.02);
        Assert.True(measured.Single(m => m.Key.StartsWith("decodeMs@onnxruntime-cpu", StringComparison.Ordinal) && !m.Key.Contains("float32", StringComparison.Ordinal)).Value > 0);
        using (var session = new InferenceSession(Path.Combine(directory, ServingFiles.DecodeStepFile)))
            Assert.Contains(session.InputMetadata.Keys, name => name.StartsWith(OnnxExporter.PastKeys, StringComparison.Ordinal));
        using (var floatNetwork = saved.CreateNetwork())
            Assert.Equal(File.ReadAllBytes(Path.Combine(directory, ServingFiles.WindowFile)), ModelExport.Write(floatNetwork, "onnx", new HashSet<string>(), saved, _data.Folder));

        // A candidate's network is the base one with its projections at their formats' bits.
        var candidate = result.Candidates.Single(c => c.Index == best.Index);
        var network = JobKinds.Find("formats")!.NetworkOf(TestJobs.Plan(Gpt("ddpg", 0.7), _data.Folder), candidate, _data.Folder);
        Assert.Equal(candidate.Policy.Single(e => e.Layer == "block1_down").WBits, network.Precision!.For("block1_down").WeightBits);
        Assert.Equal(16, network.Precision.For("head").WeightBits);

        // The fixed baseline: one rung for every layer, the highest that fits.
        var fixedResult = TestJobs.Run(Gpt("fixed", 0.7), _data.Folder);
        Assert.Single(fixedResult.Candidates);
        Assert.True(fixedResult.Best.ConstrainedValue <= fixedResult.BudgetLimit!.Value);
    }

    [Fact]
    public void A_formats_job_on_a_vision_transformer_rewards_accuracy()
    {
        var spec = new FormatsSpec
        {
            Model = "vit-w0.5-d0.5", Dataset = "fashion-mnist", Agent = "random", Seed = 1,
            Constraint = new ConstraintSpec { Metric = "memory", Ratio = 0.9 },
            Budget = new EpisodeBudget { Episodes = 2 },
            Training = new BaseTraining { Epochs = 1, TrainLimit = 1_000 },
            Serving = new ServingSettings { Formats = ["w8a8", "w4a4-smooth-g32"], CalibrationSamples = 64, ValidationSamples = 200, TestSamples = 500 },
        };
        string directory = Path.Combine(_data.Root, "best");
        var result = TestJobs.Run(spec, _data.Folder, directory);

        Assert.All(result.Candidates, c =>
        {
            Assert.True(c.ConstrainedValue <= result.BudgetLimit!.Value);
            Assert.Equal(FormatsScorer.RewardScale * (c.Accuracy - result.Base.Accuracy), c.Reward, 9);
            Assert.DoesNotContain(c.Policy, p => p.Choice!.StartsWith("kv", StringComparison.Ordinal)); // an encoder keeps no cache
        });
        Assert.InRange(result.Best.TestAccuracy, 0.1, 1);

        // Under 0.9 of W8A8's bytes some layer is W4A4, which ONNX Runtime has no kernel for: saved, but not as ONNX.
        var w4a4 = result.Best.Policy.First(p => p.Choice == "w4a4-smooth-g32");
        Assert.Empty(result.Best.Measured!);
        var saved = SavedModel.Load(directory);
        using var network = saved.CreateNetwork();
        var refusal = Assert.Throws<NotSupportedException>(() => ModelExport.Write(network, "onnx", new HashSet<string>(), saved, _data.Folder));
        Assert.Contains($"layer '{w4a4.Layer}' is in w4a4-smooth-g32", refusal.Message, StringComparison.Ordinal);
        Assert.NotEmpty(ModelExport.Write(network, "weights", new HashSet<string>(), saved, _data.Folder));
    }
}
