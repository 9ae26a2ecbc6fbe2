using AutoDesign.HardwareProfiler.Analytic;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Tests.Analytic;

public class CostModelTests
{
    // A 3x3 conv from 16 to 32 channels on an 8x8 map (padding 1): M = 32, K = 16 x 9, N = 64.
    private static readonly LayerWorkload Conv = new("conv", LayerOp.Conv, M: 32, K: 144, N: 64, Weights: 32 * 144, InputElements: 16 * 64, OutputElements: 32 * 64);

    private static AnalyticHardwareFile Preset(string name) => AnalyticHardwareFile.Load(Path.Combine(HardwareTargets.PresetDirectory, name + ".json"));

    [Fact]
    public void Bit_fusion_single_layer_matches_a_hand_computation()
    {
        var model = Preset("bitfusion").CostModel();

        var w8a8 = model.Cost(Conv, new Precision(8, 8));
        // 294,912 MACs; 8x8 bits take 4 x 4 = 16 BitBricks, so 512 units x 16 bricks / 16 = 512 MACs per cycle:
        // 576 cycles at 500 MHz = 1.152 us. DRAM: 4,608 + 1,024 + 2,048 bytes = 7,680 bytes / 12.8 GB/s = 0.6 us.
        Assert.Equal(1.152e-6, w8a8.Seconds, 12);
        Assert.Equal(7_680, w8a8.DramBytes);
        Assert.Equal(294_912 * 16 * 0.0144e-12, w8a8.ComputeJoules, 15);

        var w4a4 = model.Cost(Conv, new Precision(4, 4));
        // 2 x 2 bricks: 2,048 MACs per cycle, 144 cycles = 0.288 us; 3,840 bytes take 0.3 us, so memory bounds it.
        Assert.Equal(3_840, w4a4.DramBytes);
        Assert.Equal(3_840 / 12.8e9, w4a4.Seconds, 12);

        // 2-bit steps: 3 bits cost what 4 bits cost.
        Assert.Equal(model.Cost(Conv, new Precision(4, 8)).ComputeJoules, model.Cost(Conv, new Precision(3, 8)).ComputeJoules, 15);
    }

    [Fact]
    public void Bismo_single_layer_matches_a_hand_computation()
    {
        var model = Preset("bismo").CostModel();

        var w2a2 = model.Cost(Conv, new Precision(2, 2));
        // 2 x 2 binary products x ceil(32/8) x ceil(144/256) x ceil(64/8) = 4 x 4 x 1 x 8 = 128 cycles at 200 MHz.
        double compute = 128 / 200e6;
        double memory = (32 * 144 * 2 / 8.0 + 16 * 64 * 2 / 8.0 + 32 * 64 * 2 / 8.0) / 4.2e9;
        Assert.Equal(Math.Max(compute, memory), w2a2.Seconds, 12);
        Assert.Equal(294_912.0 * 4 * 0.004e-12, w2a2.ComputeJoules, 15);
    }

    [Fact]
    public void Gpu_roofline_uses_the_narrowest_units_the_gpu_has()
    {
        var a100 = (GpuRooflineModel)Preset("gpu-a100").CostModel();
        var nano = (GpuRooflineModel)Preset("gpu-jetson-nano").CostModel();

        Assert.Equal(GpuRooflineModel.Unit.Int4, a100.UnitFor(new Precision(4, 4)));
        Assert.Equal(GpuRooflineModel.Unit.Int8, a100.UnitFor(new Precision(4, 8)));
        Assert.Equal(GpuRooflineModel.Unit.Fp32, a100.UnitFor(new Precision(32, 8)));
        Assert.Equal(GpuRooflineModel.Unit.Fp16, nano.UnitFor(new Precision(4, 4))); // Maxwell: no integer units
        Assert.Equal(nano.Cost(Conv, new Precision(16, 16)).Seconds, nano.Cost(Conv, new Precision(4, 4)).Seconds, 15);

        // fp32 on the A100: 589,824 operations / 19.5 TFLOPS vs 7,680 x 4 bytes / 1,555 GB/s, plus 5 us.
        double expected = Math.Max(2.0 * 294_912 / 19.5e12, (4_608 + 1_024 + 2_048) * 4 / 1555e9) + 5e-6;
        Assert.Equal(expected, a100.Cost(Conv, Precision.Float32).Seconds, 15);
    }

    public static TheoryData<string> Presets => ["bitfusion", "bismo", "gpu-a100", "gpu-jetson-nano"];

    [Theory]
    [MemberData(nameof(Presets))]
    public void Cost_never_falls_as_bits_channels_or_resolution_grow(string preset)
    {
        var model = Preset(preset).CostModel();
        LayerWorkload Layer(long channels, long side) => new("l", LayerOp.Conv, channels, 16 * 9, side * side, channels * 144, 16 * side * side, channels * side * side);

        for (int bits = 2; bits < 16; bits++)
        {
            var fewer = model.Cost(Layer(64, 16), new Precision(bits, 8));
            var more = model.Cost(Layer(64, 16), new Precision(bits + 1, 8));
            Assert.True(more.Seconds >= fewer.Seconds && more.ComputeJoules + more.MemoryJoules >= fewer.ComputeJoules + fewer.MemoryJoules, $"weight bits {bits} -> {bits + 1}");
            var fewerA = model.Cost(Layer(64, 16), new Precision(8, bits));
            var moreA = model.Cost(Layer(64, 16), new Precision(8, bits + 1));
            Assert.True(moreA.Seconds >= fewerA.Seconds, $"activation bits {bits} -> {bits + 1}");
        }
        Assert.True(model.Cost(Layer(128, 16), new Precision(8, 8)).Seconds > model.Cost(Layer(32, 16), new Precision(8, 8)).Seconds);
        Assert.True(model.Cost(Layer(64, 32), new Precision(8, 8)).Seconds > model.Cost(Layer(64, 8), new Precision(8, 8)).Seconds);

        var cost = model.Cost(Layer(64, 16), new Precision(8, 8));
        Assert.True(cost.ComputeJoules > 0 && cost.MemoryJoules > 0, "energy splits into compute and memory");
    }

    [Fact]
    public void Operands_wider_than_the_hardware_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Preset("bitfusion").CostModel().Cost(Conv, new Precision(32, 8)));
        Assert.Contains("up to 16 bits", error.Message);
    }
}
