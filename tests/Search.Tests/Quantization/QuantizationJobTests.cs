using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Kinds.Quantize;
using AutoDesign.Search.Recovery;
using AutoDesign.Search.Tests.Jobs;

namespace AutoDesign.Search.Tests.Quantization;

public sealed class QuantizationJobTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    private static QuantizeSpec Spec(string agent) => new()
    {
        Model = "lenet5",
        Dataset = "mnist",
        Agent = agent,
        Constraint = new ConstraintSpec { Metric = "latency", Target = "bitfusion", Ratio = 0.5 },
        Budget = new EpisodeBudget { Episodes = 4, WarmupEpisodes = 2 },
        Seed = 2,
        Training = new BaseTraining { Epochs = 1, TrainLimit = 4_000 },
        Quantization = new QuantizationSettings { FineTuneImages = 256, ValidationImages = 300, CalibrationImages = 64, ReportTargets = ["gpu-a100"] },
        Recovery = new RecoverySpec { Epochs = 0 }, // the saved network is the candidate as scored (RecoveryTests train it)
    };

    [Theory]
    [InlineData("ddpg")]
    [InlineData("random")]
    public void A_quantize_job_meets_its_budget_and_reports_simulated_and_measured_figures(string agent)
    {
        var result = TestJobs.Run(Spec(agent), _data.Folder, Path.Combine(_data.Root, "best"));

        Assert.Equal(4, result.Candidates.Count);
        Assert.Equal(new ConstraintResult("latency", "ms", "bitfusion", "analytic", 0.5), result.Constraint);
        Assert.All(result.Candidates, c =>
        {
            Assert.True(c.ConstrainedValue <= result.BudgetLimit!.Value + 1e-12);
            Assert.Equal(QuantizeScorer.RewardScale * (c.Accuracy - result.Base.Accuracy), c.Reward, 9);
            Assert.Contains("latencyMs@bitfusion (simulated)", c.Metrics!.Keys);
            Assert.Contains("latencyMs@gpu-a100 (simulated)", c.Metrics!.Keys);
            Assert.Contains("sizeBits", c.Metrics!.Keys);
        });
        var best = result.Best;
        Assert.Equal(["conv1", "conv2", "fc1", "fc2", "fc3"], best.Policy.Select(p => p.Layer));
        Assert.Equal((8, 8), (best.Policy[0].WBits!.Value, best.Policy[0].ABits!.Value));
        Assert.Contains("latencyMs@onnxruntime-cpu int8 where <= 8 bits (measured)", best.Measured!.Keys);
        var saved = SavedModel.Load(best.SavedModel);
        Assert.Equal(best.Policy[2].WBits, saved.Card.Precision!.For("fc1").WeightBits);
        Assert.Equal(best.TestAccuracy, saved.Card.TestAccuracy);
        // The saved model loads quantized as it was scored, and its ONNX file scores (up to rounding) the same.
        using var network = saved.CreateNetwork();
        var data = DatasetCatalog.Load("mnist", _data.Folder);
        Assert.Equal(best.TestAccuracy, Evaluation.Of(network, data.Test, saved.Card.Mean, saved.Card.Std).Accuracy, 9);
        var onnx = AutoDesign.HardwareProfiler.Onnx.OnnxExporter.Export(network);
        Assert.Contains(onnx.Graph.Node, n => n.OpType == "Round");
    }

    [Theory]
    [InlineData("flops", null, "'flops' is unknown for quantize")]
    [InlineData("latency", "tpu", "unknown target 'tpu'")]
    public void Quantize_specs_name_their_bad_fields(string metric, string? target, string message)
    {
        var spec = Spec("ddpg") with { Constraint = new ConstraintSpec { Metric = metric, Target = target, Ratio = 0.5 } };
        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(spec, AutoDesign.Modeling.DataFolder.Default()));
        Assert.Contains(error.Errors, e => e.Reason.Contains(message));
    }

    [Theory]
    [InlineData(0, 8, "quantization.minBits")]
    [InlineData(4, 17, "quantization.maxBits")]
    [InlineData(6, 4, "quantization.maxBits")]
    public void Bits_out_of_range_are_refused(int min, int max, string field)
    {
        var spec = Spec("ddpg") with { Quantization = new QuantizationSettings { MinBits = min, MaxBits = max } };
        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(spec, AutoDesign.Modeling.DataFolder.Default()));
        Assert.Contains(error.Errors, e => e.Field == field);
    }

    [Fact]
    public void A_quantize_job_needs_a_budget()
    {
        var error = Assert.Throws<InvalidSpecException>(() => TestJobs.Plan(Spec("fixed") with { Constraint = null }, AutoDesign.Modeling.DataFolder.Default()));
        Assert.Contains(error.Errors, e => e.Field == "constraint");
    }
}
