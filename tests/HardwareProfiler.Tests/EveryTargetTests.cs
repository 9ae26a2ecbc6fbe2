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

    // Concat, grouped conv, layer norm, upsample and an element-wise mul, which no zoo model has all of.
    private static ModelSpec Branches(InputSpec input) => new()
    {
        Name = "branches",
        Input = input,
        Classes = 10,
        Layers =
        [
            new LayerSpec { Name = "stem", Op = LayerOp.Conv, Out = 16, Kernel = 3, Stride = 2, BatchNorm = true, Activation = Activation.Relu },
            new LayerSpec { Name = "grouped", Op = LayerOp.Conv, Out = 16, Kernel = 3, Groups = 4, BatchNorm = true, Activation = Activation.Relu },
            new LayerSpec { Name = "down", Op = LayerOp.MaxPool, Kernel = 2, Stride = 2, Padding = 0 },
            new LayerSpec { Name = "up", Op = LayerOp.Upsample, Scale = 2 },
            new LayerSpec { Name = "joined", Op = LayerOp.Concat, Inputs = ["stem", "up"] },
            new LayerSpec { Name = "norm", Op = LayerOp.LayerNorm, Activation = Activation.Gelu },
            new LayerSpec { Name = "product", Op = LayerOp.Mul, Inputs = ["norm", "joined"] },
            new LayerSpec { Name = "gap", Op = LayerOp.GlobalAvgPool },
            new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 10 },
        ],
    };

    [Fact]
    public void Each_target_costs_each_pruned_mixed_precision_zoo_model()
    {
        var input = new InputSpec(1, 28, 28);
        var models = new[] { "lenet5", "vgg-small", "resnet20", "mobilenetv2-small", "mobilenetv3-small-w0.5" }
            .Select(m => ModelZoo.Create(m, input, 10)).Append(Branches(input)).ToList();
        var pruned = models.Select(m =>
        {
            var groups = m.Analyze().ChannelGroups.Where(g => g.Prunable);
            return new PruningPolicy(groups.ToDictionary(PruningPolicy.KeyOf, g => g.Snap(g.Channels * 0.75))).ApplyTo(m);
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

    [Theory]
    [InlineData("gpt-w0.25-d0.5")]
    [InlineData("llama-w0.25-d0.5")]
    [InlineData("vit-w0.5-d0.5")]
    public void Each_measured_and_analytic_target_costs_a_pruned_transformer(string model)
    {
        var spec = model.StartsWith("vit", StringComparison.Ordinal) ? ModelZoo.Create(model, new InputSpec(1, 28, 28), 10) : ModelZoo.Create(model, InputSpec.Tokens(32, 40), 40);
        var groups = spec.Analyze().ChannelGroups.Where(g => g.Prunable);
        var pruned = new PruningPolicy(groups.ToDictionary(PruningPolicy.KeyOf, g => g.Snap(g.Channels * 0.75))).ApplyTo(spec);
        IHardwareTarget[] targets =
        [
            new TorchSharpTarget("cpu", Quick),
            new OnnxRuntimeTarget(Quick),
            HardwareTargets.Resolve("bitfusion"),
            HardwareTargets.Resolve("bismo"),
            HardwareTargets.Resolve("gpu-a100"),
        ];

        foreach (var target in targets)
        {
            var report = target.Measure(pruned, null);
            Assert.True(report.Latency.Value > 0, $"{target.Name} on {spec.Name}");
            Assert.Equal(pruned.Layers.Count, report.Layers.Count);
        }
        // The analytic targets charge attention and the projections as arithmetic, not as free data movement.
        var a100 = HardwareTargets.Resolve("gpu-a100").Measure(pruned, null);
        var attention = a100.Layers.First(l => l.Layer.EndsWith("_attention", StringComparison.Ordinal));
        var projection = a100.Layers.First(l => l.Layer.EndsWith("_q", StringComparison.Ordinal));
        Assert.True(attention.ComputeTime?.Value > 0, $"attention compute time {attention.ComputeTime}");
        Assert.True(projection.ComputeTime?.Value > 0, $"projection compute time {projection.ComputeTime}");
    }
}
