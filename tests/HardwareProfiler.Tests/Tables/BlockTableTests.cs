using System.Globalization;
using AutoDesign.HardwareProfiler.Tables;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.HardwareProfiler.Tests.Tables;

public sealed class BlockTableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("autodesign-yaml-").FullName;
    private static readonly ModelSpec MobileNet = ModelZoo.Create("mobilenet-v2", new InputSpec(3, 224, 224), 1000);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MobileNetV2_is_cut_into_the_blocks_ProxylessNAS_tables_use()
    {
        var blocks = BlockTableTarget.Blocks(MobileNet);

        Assert.Equal("Conv-input:224x224x3-output:112x112x32", blocks[0].Key);
        Assert.Equal("expanded_conv-input:112x112x32-output:112x112x16-expand:1-kernel:3-stride:1-idskip:0", blocks[1].Key);
        Assert.Equal("expanded_conv-input:112x112x16-output:56x56x24-expand:6-kernel:3-stride:2-idskip:0", blocks[2].Key);
        Assert.Equal("expanded_conv-input:56x56x24-output:56x56x24-expand:6-kernel:3-stride:1-idskip:1", blocks[3].Key);
        Assert.Equal("Conv_1-input:7x7x320-output:7x7x1280", blocks[^2].Key);
        Assert.Equal("Logits-input:7x7x1280-output:1000", blocks[^1].Key);
        Assert.Equal(1 + 17 + 2, blocks.Count);
    }

    [Fact]
    public void A_yaml_table_is_summed_over_the_blocks()
    {
        var blocks = BlockTableTarget.Blocks(MobileNet);
        string path = Path.Combine(_dir, "phone_224.yaml");
        // Figures invented for the test: the i-th distinct block takes (i + 1) / 10 ms; repeated blocks share a key.
        var keys = blocks.Select(b => b.Key).Distinct().ToList();
        File.WriteAllLines(path, keys.SelectMany((key, i) => new[]
        {
            $"{key}:",
            "  count: 20",
            string.Create(CultureInfo.InvariantCulture, $"  mean: {(i + 1) / 10.0}"),
            "  std: 0.01",
        }));

        var report = TableTargets.Load(path, new AutoDesign.Modeling.DataFolder(_dir)).Measure(MobileNet);

        Assert.Equal("lut:phone_224", report.Target);
        Assert.Equal(TargetKind.Table, report.Kind);
        Assert.Equal(blocks.Sum(b => (keys.IndexOf(b.Key) + 1) / 10.0), report.Latency.Value, 9);
        Assert.Equal(0.1, report.Layers.Single(l => l.Layer == "stem").Latency.Value, 9);
    }

    [Fact]
    public void A_block_missing_from_the_table_and_a_network_of_another_shape_are_named()
    {
        string path = Path.Combine(_dir, "small.yaml");
        File.WriteAllText(path, "Conv-input:224x224x3-output:112x112x32: {count: 1, mean: 0.5, std: 0}\n");
        var target = TableTargets.Load(path, new AutoDesign.Modeling.DataFolder(_dir));

        var missing = Assert.Throws<ArgumentException>(() => target.Measure(MobileNet));
        Assert.Contains("expanded_conv-input:112x112x32-output:112x112x16", missing.Message);

        var resnet = ModelZoo.Create("resnet-18", new InputSpec(3, 224, 224), 1000);
        var unsupported = Assert.Throws<ArgumentException>(() => target.Measure(resnet));
        Assert.Contains("not a MobileNetV2-style network", unsupported.Message);
    }

    [Fact]
    public void Malformed_yaml_is_refused()
    {
        string path = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(path, "Conv-input:1x1x1-output:1x1x1: {count: 1, mean: fast}\n");
        var error = Assert.Throws<ArgumentException>(() => TableTargets.Load(path, new AutoDesign.Modeling.DataFolder(_dir)));
        Assert.Contains("no numeric 'mean'", error.Message);
    }
}
