using AutoDesign.HardwareProfiler.Measured;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.HardwareProfiler.Tests.Measured;

public class TorchSharpTargetTests
{
    [Fact]
    public void A_measurement_reports_median_spread_samples_and_every_layer()
    {
        var spec = ModelZoo.Create("resnet20-w0.5", new InputSpec(1, 28, 28), 10);
        var target = new TorchSharpTarget("cpu", new MeasurementOptions { WarmupRuns = 2, MinRuns = 10, MinTime = TimeSpan.Zero, BatchSize = 4 });

        var report = target.Measure(spec, PrecisionPolicy.Uniform(8, 8));

        Assert.Equal("torchsharp-cpu", report.Target);
        Assert.Equal(TargetKind.Measured, report.Kind);
        Assert.True(report.Latency.Value > 0);
        Assert.True(report.Latency.Spread >= 0);
        Assert.Equal(10, report.Latency.Samples);
        Assert.Equal(spec.Layers.Select(l => l.Name), report.Layers.Select(l => l.Layer));
        Assert.All(report.Layers, l => Assert.True(l.Latency.Value >= 0));
        Assert.Equal("4", report.Conditions["batch"]);
        Assert.Equal("false", report.Conditions["simulated"]);
        Assert.Contains("float32", report.Conditions["note"]);
        Assert.True(int.Parse(report.Conditions["threads"]) >= 1);
    }

    [Fact]
    public void Resolved_targets_cache_by_spec_and_precision()
    {
        var spec = ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10);
        var target = HardwareTargets.Resolve("torchsharp-cpu");

        Assert.Same(target.Measure(spec), target.Measure(spec));
        Assert.NotSame(target.Measure(spec), target.Measure(spec with { Layers = [.. spec.Layers.Select(l => l.Name == "fc1" ? l with { Out = 100 } : l)] }));
    }
}
