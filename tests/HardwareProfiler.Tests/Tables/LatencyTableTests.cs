using AutoDesign.HardwareProfiler.Measured;
using AutoDesign.HardwareProfiler.Tables;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.HardwareProfiler.Tests.Tables;

public sealed class LatencyTableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("autodesign-lut-").FullName;
    private static readonly ModelSpec Resnet = ModelZoo.Create("resnet20-w0.5", new InputSpec(1, 28, 28), 10);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_table_swept_on_a_target_reproduces_it_for_networks_it_has_seen()
    {
        var analytic = HardwareTargets.Resolve("bitfusion");
        var table = LatencySweep.Run("test", analytic, [Resnet], randomVariants: 6, precisions: [PrecisionPolicy.Uniform(8, 8)]);
        var target = new TableTarget(table);

        var exact = target.Measure(Resnet, PrecisionPolicy.Uniform(8, 8));
        Assert.Equal(analytic.Measure(Resnet, PrecisionPolicy.Uniform(8, 8)).Latency.Value, exact.Latency.Value, 9);
        Assert.Equal("0", exact.Conditions["interpolatedLayers"]);
        Assert.Equal(TargetKind.Table, exact.Kind);
        Assert.StartsWith("bitfusion", table.Source);
    }

    [Fact]
    public void Widths_never_swept_are_interpolated_within_their_family()
    {
        var analytic = HardwareTargets.Resolve("bitfusion");
        var table = LatencySweep.Run("test", analytic, [Resnet], randomVariants: 12, precisions: [PrecisionPolicy.Uniform(8, 8)]);
        var target = new TableTarget(table);
        var groups = Resnet.Analyze().ChannelGroups.Where(g => g.Prunable).ToList();
        var unseen = new PruningPolicy(groups.ToDictionary(PruningPolicy.KeyOf, g => Math.Max(1, g.Channels * 5 / 8 + 1))).ApplyTo(Resnet);

        var estimate = target.Measure(unseen, PrecisionPolicy.Uniform(8, 8));
        double truth = analytic.Measure(unseen, PrecisionPolicy.Uniform(8, 8)).Latency.Value;

        Assert.NotEqual("0", estimate.Conditions["interpolatedLayers"]);
        Assert.InRange(estimate.Latency.Value / truth, 0.8, 1.25);
    }

    [Fact]
    public void Depthwise_convs_and_pools_are_interpolated_by_their_channels_and_dense_convs_by_in_times_out()
    {
        // Measured: each layer type at widths 16 and 32 (dense: 16->16, 32->32), time in proportion to its work.
        var table = new LatencyTable { Name = "t", Source = "hand" };
        foreach (int c in new[] { 16, 32 })
        {
            table.Add($"dwconv:{c}x14x14>{c}x14x14:k3:s1:bn:relu:w32a32", 0.01 * c);
            table.Add($"max-pool:{c}x14x14>{c}x7x7:k2:s2:nobn:none:w32a32", 0.001 * c);
            table.Add($"conv:{c}x14x14>{c}x14x14:k1:s1:bn:relu:w32a32", 0.001 * c * c);
        }
        var spec = new ModelSpec
        {
            Name = "narrow", Input = new InputSpec(24, 14, 14), Classes = 10,
            Layers =
            [
                new LayerSpec { Name = "dw", Op = LayerOp.DepthwiseConv, Kernel = 3, BatchNorm = true, Activation = Activation.Relu },
                new LayerSpec { Name = "pw", Op = LayerOp.Conv, Out = 24, Kernel = 1, BatchNorm = true, Activation = Activation.Relu },
                new LayerSpec { Name = "pool", Op = LayerOp.MaxPool, Kernel = 2, Stride = 2, Padding = 0 },
                new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 10 },
            ],
        };
        table.Add("linear:24x7x7>10:k1:s1:nobn:none:w32a32", 0.5);

        var layers = new TableTarget(table).Measure(spec, PrecisionPolicy.Float32).Layers.ToDictionary(l => l.Layer, l => l.Latency.Value);

        Assert.Equal(0.24, layers["dw"], 9);     // 0.75 of 32 channels: 0.75 of its time, not 0.5625
        Assert.Equal(0.024, layers["pool"], 9);
        Assert.Equal(0.576, layers["pw"], 9);    // 24 x 24 of 32 x 32
    }

    [Fact]
    public void Each_layer_of_a_pruned_variant_is_scaled_from_the_full_network_by_its_own_cost_law()
    {
        // bitfusion's depthwise convs are memory-bound (their time follows their channels) and its 3x3 dense convs
        // compute-bound (in x out): the laws a table must apply to widths it never measured. This table measured
        // only the full network; the variant keeps about 3/4 of every group.
        var mobilenet = ModelZoo.Create("mobilenetv2-small", new InputSpec(3, 32, 32), 10);
        var analytic = HardwareTargets.Resolve("bitfusion");
        var precision = PrecisionPolicy.Uniform(8, 8);
        var table = new LatencyTable { Name = "full", Source = "bitfusion" };
        var measured = analytic.Measure(mobilenet, precision).Layers.ToDictionary(l => l.Layer, l => l.Latency.Value);
        foreach (var (layer, key) in LayerKey.Of(mobilenet, precision)) table.Add(key.Key, measured[layer.Name]);
        var groups = mobilenet.Analyze().ChannelGroups.Where(g => g.Prunable).ToList();
        var variant = new PruningPolicy(groups.ToDictionary(PruningPolicy.KeyOf, g => Math.Max(1, g.Channels * 3 / 4))).ApplyTo(mobilenet);

        var estimate = new TableTarget(table).Measure(variant, precision);
        var truth = analytic.Measure(variant, precision).Layers.ToDictionary(l => l.Layer, l => l.Latency.Value);

        Assert.NotEqual("0", estimate.Conditions["interpolatedLayers"]);
        var depthwise = variant.Layers.Where(l => l.Op == LayerOp.DepthwiseConv).Select(l => l.Name).ToList();
        Assert.NotEmpty(depthwise);
        Assert.All(depthwise, name => Assert.InRange(estimate.Layers.Single(l => l.Layer == name).Latency.Value / truth[name], 0.9, 1.1)); // not 0.75
        var dense = variant.Layers.Where(l => l.Op == LayerOp.Conv && l.Kernel == 3).Select(l => l.Name).ToList();
        Assert.All(dense, name => Assert.InRange(estimate.Layers.Single(l => l.Layer == name).Latency.Value / truth[name], 0.9, 1.1));
    }

    [Fact]
    public void Tables_round_trip_through_json_and_accumulate_observations()
    {
        var table = new LatencyTable { Name = "t", Source = "hand" };
        table.Add("conv:1x4x4>2x4x4:k3:s1:bn:relu:w32a32", 1.0);
        table.Add("conv:1x4x4>2x4x4:k3:s1:bn:relu:w32a32", 3.0);
        string path = Path.Combine(_dir, "t.json");
        table.Save(path);

        var entry = LatencyTable.Load(path).Entries["conv:1x4x4>2x4x4:k3:s1:bn:relu:w32a32"];

        Assert.Equal(new TableEntry(2, 2.0, 1.0), entry);
    }

    [Theory]
    [InlineData("""{"name":"t","source":"s","entries":{"k":{"count":1,"mean":-1,"variance":0}}}""", "non-negative mean")]
    [InlineData("""{"name":"t","source":"s","entries":{"k":{"count":1,"mean":1,"variance":0,"extra":1}}}""", "extra")]
    [InlineData("""{"name":"t",""", "t.json")]
    public void Malformed_tables_are_refused_with_the_reason(string json, string message)
    {
        string path = Path.Combine(_dir, "t.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<ArgumentException>(() => LatencyTable.Load(path));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_layer_of_a_kind_the_table_never_saw_is_named()
    {
        var table = LatencySweep.Run("test", HardwareTargets.Resolve("bitfusion"), [Resnet], randomVariants: 0);
        var lenet = ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10);

        var error = Assert.Throws<ArgumentException>(() => new TableTarget(table).Measure(lenet));
        Assert.Contains("layer 'conv1'", error.Message);
        Assert.Contains("sweep", error.Message);
    }

    [Fact]
    public void A_sweep_on_a_measured_target_files_every_layer()
    {
        var measured = new TorchSharpTarget("cpu", new MeasurementOptions { WarmupRuns = 1, MinRuns = 3, MinTime = TimeSpan.Zero });
        var lenet = ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10);

        var table = LatencySweep.Run("cpu", measured, [lenet], randomVariants: 1);

        Assert.StartsWith("torchsharp-cpu (device cpu", table.Source);
        Assert.True(new TableTarget(table).Measure(lenet).Latency.Value > 0);
        Assert.All(LayerKey.Of(lenet, PrecisionPolicy.Float32), k => Assert.True(table.Entries.ContainsKey(k.Key.Key), k.Key.Key));
    }
}
