using AutoDesign.HardwareProfiler.Predictors;
using AutoDesign.HardwareProfiler.Tables;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.HardwareProfiler.Tests.Predictors;

public sealed class LatencyPredictorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("autodesign-predictor-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static LatencyTable Table() => LatencySweep.Run("bf", HardwareTargets.Resolve("bitfusion"),
        [ModelZoo.Create("resnet20-w0.5", new InputSpec(1, 28, 28), 10), ModelZoo.Create("mobilenetv2-small-w0.5", new InputSpec(1, 28, 28), 10)],
        randomVariants: 8);

    [Fact]
    public void A_predictor_trained_on_a_table_reports_its_held_out_error_and_predicts_networks()
    {
        var predictor = LatencyPredictor.Train("bf", Table());

        Assert.True(predictor.Info.HeldOutSamples >= 2);
        Assert.InRange(predictor.Info.HeldOutMape, 0, 0.3);
        Assert.Equal(new Precision(8, 8), predictor.Info.Precision);

        var spec = ModelZoo.Create("resnet20-w0.5", new InputSpec(1, 28, 28), 10);
        var report = new PredictorTarget(predictor).Measure(spec);
        double truth = HardwareTargets.Resolve("bitfusion").Measure(spec).Latency.Value;
        Assert.Equal(TargetKind.Predictor, report.Kind);
        Assert.InRange(report.Latency.Value / truth, 0.7, 1.4);
    }

    [Fact]
    public void A_saved_predictor_predicts_what_it_did_before_saving()
    {
        var predictor = LatencyPredictor.Train("bf", Table());
        var folder = new Modeling.DataFolder(_dir);
        predictor.Save(LatencyPredictor.DirectoryIn(folder));

        var loaded = LatencyPredictor.Load(folder, "bf");

        string key = Table().Entries.Keys.First();
        Assert.Equal(predictor.PredictMilliseconds(key), loaded.PredictMilliseconds(key), 9);
        Assert.Equal(predictor.Info.HeldOutMape, loaded.Info.HeldOutMape);
    }

    [Fact]
    public void Too_small_a_table_and_a_missing_predictor_are_explained()
    {
        var tiny = new LatencyTable { Name = "tiny", Source = "hand" };
        tiny.Add("conv:1x4x4>2x4x4:k3:s1:bn:relu:w32a32", 1.0);
        Assert.Contains("at least 10", Assert.Throws<ArgumentException>(() => LatencyPredictor.Train("tiny", tiny)).Message);
        Assert.Contains("not found", Assert.Throws<ArgumentException>(() => LatencyPredictor.Load(new Modeling.DataFolder(_dir), "nothing")).Message);
    }
}
