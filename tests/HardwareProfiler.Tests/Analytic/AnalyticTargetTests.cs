using AutoDesign.HardwareProfiler.Analytic;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.HardwareProfiler.Tests.Analytic;

public sealed class AnalyticTargetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("autodesign-hw-").FullName;
    private static readonly ModelSpec Lenet = ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Every_preset_costs_every_zoo_model_with_per_layer_figures_that_add_up()
    {
        foreach (var name in new[] { "bitfusion", "bismo", "gpu-a100", "gpu-jetson-nano" })
            foreach (var model in new[] { "lenet5", "vgg-small", "resnet20", "mobilenetv2-small", "mobilenetv3-small", "efficientnet-b0" })
            {
                var spec = ModelZoo.Create(model, new InputSpec(3, 32, 32), 10);
                var report = HardwareTargets.Resolve(name).Measure(spec);

                Assert.Equal(TargetKind.Analytic, report.Kind);
                Assert.Equal("ms", report.Latency.Unit);
                Assert.Equal("true", report.Conditions["simulated"]);
                Assert.Equal(spec.Layers.Count, report.Layers.Count);
                Assert.Equal(report.Latency.Value, report.Layers.Sum(l => l.Latency.Value), 1e-12 * report.Latency.Value);
                Assert.Equal(report.Energy!.Value, report.Layers.Sum(l => l.ComputeEnergy!.Value + l.MemoryEnergy!.Value), 1e-12 * report.Energy.Value);
                foreach (var layer in report.Layers)
                {
                    double slower = Math.Max(layer.ComputeTime!.Value, layer.MemoryTime!.Value);
                    Assert.True(layer.Latency.Value >= slower * (1 - 1e-12), $"{name} {model} {layer.Layer}: latency below its slower side");
                    Assert.Equal(layer.MemoryTime.Value > layer.ComputeTime.Value ? "memory" : "compute", layer.Bound);
                }
            }
    }

    [Fact]
    public void Low_bits_move_layers_to_the_memory_side_and_cost_more_than_their_product()
    {
        var spec = ModelZoo.Create("mobilenet-v2", new InputSpec(3, 224, 224), 1000);
        int MemoryBound(CostReport r) => r.Layers.Count(l => l.Bound == "memory" && spec.Layers.Single(s => s.Name == l.Layer).HasWeights);
        var edge = HardwareTargets.Resolve("bismo");
        var cloud = HardwareTargets.Resolve("bismo-cloud");

        var edge8 = edge.Measure(spec, PrecisionPolicy.Uniform(8, 8));
        var edge2 = edge.Measure(spec, PrecisionPolicy.Uniform(2, 2));
        var cloud2 = cloud.Measure(spec, PrecisionPolicy.Uniform(2, 2));

        Assert.True(MemoryBound(edge2) > MemoryBound(edge8), "fewer bits shift layers to the memory side");
        Assert.True(edge2.Latency.Value > edge8.Latency.Value / 16 * 1.02, "W2A2 costs more than 1/16 of W8A8: DRAM traffic does not shrink by w x a");
        Assert.Equal("16", cloud2.Conditions["batch"]);
        Assert.True(MemoryBound(cloud2) < MemoryBound(edge2), "a batch of 16 and wider ports keep more of the cloud FPGA's layers compute-bound");
        Assert.Equal("memory", edge2.Layers.Single(l => l.Layer == "fc").Bound); // a classifier at batch 1 reads a weight per multiply-accumulate
    }

    [Fact]
    public void A_squeeze_and_excitation_multiply_costs_memory_traffic_and_no_compute()
    {
        var spec = ModelZoo.Create("mobilenetv3-small", new InputSpec(3, 224, 224), 1000);
        var workload = LayerWorkload.Of(spec).Single(w => w.Name == "b4_se_scale");
        var report = HardwareTargets.Resolve("bitfusion").Measure(spec).Layers.Single(l => l.Layer == "b4_se_scale");

        Assert.False(workload.Computes);
        Assert.Equal(96L * 14 * 14 + 96, workload.InputElements); // the map and one gate value per channel
        Assert.Equal(0, report.ComputeEnergy!.Value);
        Assert.True(report.MemoryEnergy!.Value > 0);
        Assert.True(report.Latency.Value > 0);
    }

    [Fact]
    public void Lower_bits_and_pruned_channels_make_a_network_cheaper()
    {
        var target = HardwareTargets.Resolve("bitfusion");
        var w8 = target.Measure(Lenet, PrecisionPolicy.Uniform(8, 8));
        var w4 = target.Measure(Lenet, PrecisionPolicy.Uniform(4, 4));
        var mixed = target.Measure(Lenet, new PrecisionPolicy(new Precision(8, 8), new Dictionary<string, Precision> { ["fc1"] = new(2, 4) }));
        var pruned = target.Measure(Lenet with { Layers = [.. Lenet.Layers.Select(l => l.Name == "fc1" ? l with { Out = 60 } : l)] });

        Assert.True(w4.Latency.Value < w8.Latency.Value);
        Assert.True(w4.Energy!.Value < w8.Energy!.Value);
        Assert.True(mixed.Layers.Single(l => l.Layer == "fc1").Energy!.Value < w8.Layers.Single(l => l.Layer == "fc1").Energy!.Value);
        Assert.Equal(w8.Layers.Single(l => l.Layer == "conv1").Latency.Value, mixed.Layers.Single(l => l.Layer == "conv1").Latency.Value);
        Assert.True(pruned.Latency.Value < w8.Latency.Value);
    }

    [Fact]
    public void A_copied_and_edited_description_is_a_new_target()
    {
        string path = Path.Combine(_dir, "my-chip.json");
        var text = File.ReadAllText(Path.Combine(HardwareTargets.PresetDirectory, "bitfusion.json"))
            .Replace("\"name\": \"bitfusion\"", "\"name\": \"my-chip\"").Replace("\"frequencyMegahertz\": 500", "\"frequencyMegahertz\": 1000");
        File.WriteAllText(path, text);

        var mine = HardwareTargets.Resolve($"analytic:{path}");
        var original = HardwareTargets.Resolve("bitfusion");

        Assert.Equal("my-chip", mine.Name);
        Assert.True(mine.Measure(Lenet).Latency.Value < original.Measure(Lenet).Latency.Value);
    }

    [Theory]
    [InlineData("\"weightBufferKilobytes\": 256", "\"weightBufferKilobytes\": 0", "bismo.weightBufferKilobytes: must be more than zero, got 0")]
    [InlineData("\"dramGigabytesPerSecond\": 4.2", "\"dramGigabytesPerSecond\": -4.2", "bismo.dramGigabytesPerSecond: must be more than zero, got -4.2")]
    [InlineData("\"batch\": 1", "\"batch\": 100000", "'batch' must be 1 to 4096, not 100000")]
    [InlineData("\"dramPicojoulesPerByte\": 160", "\"dramPicojoulesPerByte\": -1", "bismo.memory.dramPicojoulesPerByte: must be zero or more, got -1")]
    [InlineData("\"dm\": 8", "\"dm\": 1e999", "dm")] // beyond a double: refused by the parser, named
    public void Figures_no_hardware_can_have_are_refused_by_name(string from, string to, string message)
    {
        string path = Path.Combine(_dir, "absurd.json");
        string text = File.ReadAllText(Path.Combine(HardwareTargets.PresetDirectory, "bismo.json"));
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to));

        var error = Assert.ThrowsAny<ArgumentException>(() => AnalyticTarget.Load(path));

        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("tpu-v9", "unknown target 'tpu-v9'")]
    [InlineData("analytic:/nonexistent/chip.json", "no such file")]
    public void Bad_target_names_are_explained(string name, string message)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => HardwareTargets.Resolve(name));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Malformed_descriptions_name_the_problem()
    {
        string path = Path.Combine(_dir, "broken.json");
        File.WriteAllText(path, """{"name":"x","model":"bitfusion","defaultPrecision":{"weightBits":8,"activationBits":8}}""");
        var error = Assert.Throws<ArgumentException>(() => AnalyticTarget.Load(path));
        Assert.Contains("needs a 'bitFusion' section", error.Message);

        File.WriteAllText(path, """{"name":"x","model":"gpu","defaultPrecision":{"weightBits":8,"activationBits":8},"gpu":{"fp32Tflops":1,"speed":3}}""");
        error = Assert.Throws<ArgumentException>(() => AnalyticTarget.Load(path));
        Assert.Contains("speed", error.Message);
    }

    [Theory]
    [InlineData(0, 8, "weight bits must be between 1 and 32")]
    [InlineData(8, 40, "activation bits must be between 1 and 32")]
    [InlineData(17, 8, "up to 16 bits")]
    public void Impossible_bit_widths_are_refused(int weightBits, int activationBits, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => HardwareTargets.Resolve("bitfusion").Measure(Lenet, PrecisionPolicy.Uniform(weightBits, activationBits)));
        Assert.Contains(message, error.Message);
    }
}
