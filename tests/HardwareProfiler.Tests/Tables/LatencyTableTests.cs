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
