using AutoDesign.HardwareProfiler.Measured;
using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.HardwareProfiler.Predictors;
using AutoDesign.HardwareProfiler.Tables;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.HardwareProfiler.Tests;

/// <summary>Every kind of target answers for every zoo model, pruned, at mixed precision.</summary>
public class EveryTargetTests
{
    private static readonly MeasurementOptions Quick = new() { WarmupRuns = 1, MinRuns = 3, MinTime = TimeSpan.Zero };

    [Fact]
    public void Each_target_costs_each_pruned_mixed_precision_zoo_model()
    {
        var input = new InputSpec(1, 28, 28);
        var models = new[] { "lenet5", "vgg-small", "resnet20", "mobilenetv2-small" }.Select(m => ModelZoo.Create(m, input, 10)).ToList();
        var pruned = models.Select(m =>
        {
            var groups = m.Analyze().ChannelGroups.Where(g => g.Prunable);
            return new PruningPolicy(groups.ToDictionary(PruningPolicy.KeyOf, g => Math.Max(1, g.Channels * 3 / 4))).ApplyTo(m);
        }).ToList();
        var mixed = (ModelSpec spec) => new PrecisionPolicy(new Precision(8, 8), new Dictionary<string, Precision> { [spec.Layers.First(l => l.HasWeights).Name] = new(4, 6) });
        var table = LatencySweep.Run("all", HardwareTargets.Resolve("bitfusion"), models, randomVariants: 2,
            precisions: [PrecisionPolicy.Uniform(8, 8), PrecisionPolicy.Uniform(4, 6)]);
        IHardwareTarget[] targets =
        [
            new TorchSharpTarget("cpu", Quick),
            new OnnxRuntimeTarget(Quick),
            HardwareTargets.Resolve("bitfusion"),
            HardwareTargets.Resolve("bismo"),
            HardwareTargets.Resolve("gpu-a100"),
            HardwareTargets.Resolve("gpu-jetson-nano"),
            new TableTarget(table),
            new PredictorTarget(LatencyPredictor.Train("all", table)),
        ];

        foreach (var spec in pruned)
        {
            foreach (var target in targets)
            {
                var report = target.Measure(spec, mixed(spec));
                Assert.True(report.Latency.Value > 0, $"{target.Name} on {spec.Name}");
                Assert.Equal(spec.Layers.Count, report.Layers.Count);
                Assert.Equal(target.Kind, report.Kind);
            }
        }
    }
}
