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
    public void A_layer_too_big_for_the_buffers_is_tiled_and_reads_the_cheaper_operand_again()
    {
        var model = Preset("bismo").CostModel(); // 256 KB for weights, 256 KB for inputs, 4.2 GB/s
        // A 3x3 conv from 128 to 256 channels on a 56x56 map: 294,912 weights, 401,408 inputs, 802,816 outputs.
        var layer = new LayerWorkload("big", LayerOp.Conv, M: 256, K: 128 * 9, N: 3136, Weights: 256 * 128 * 9, InputElements: 128 * 3136, OutputElements: 256 * 3136);

        var cost = model.Cost(layer, new Precision(8, 8));
        // At 8 bits both take 2 tiles of 256 KB: either the inputs are read again for the second weight tile
        // (401,408 bytes) or the weights for the second input tile (294,912 bytes); the weights are cheaper.
        double bytes = 294_912 + 401_408 + 802_816 + 294_912;
        Assert.Equal((long)bytes, cost.DramBytes);
        Assert.Equal(bytes / 4.2e9, cost.MemorySeconds, 15);
        // 64 binary products x 32 row tiles x 5 reduction tiles x 392 column tiles.
        Assert.Equal(64.0 * 32 * 5 * 392 / 200e6, cost.ComputeSeconds, 15);
        Assert.Equal(Math.Max(cost.ComputeSeconds, cost.MemorySeconds), cost.Seconds);

        // Inputs that fit stay on chip however many weight tiles stream past them.
        var resident = model.Cost(layer with { N = 784, InputElements = 128 * 784, OutputElements = 256 * 784 }, new Precision(8, 8));
        Assert.Equal(294_912 + 128 * 784 + 256 * 784, resident.DramBytes);
    }

    [Fact]
    public void A_batch_reads_the_weights_once_for_all_its_images()
    {
        var model = Preset("bismo").CostModel();
        var fc = new LayerWorkload("fc", LayerOp.Linear, M: 1000, K: 1280, N: 1, Weights: 1_280_000, InputElements: 1280, OutputElements: 1000);

        var one = model.Cost(fc, new Precision(8, 8));
        var ofSixteen = model.Cost(fc.Batched(16), new Precision(8, 8)).PerImage(16);

        Assert.True(one.MemoryBound, "a classifier at batch 1 reads a weight per multiply-accumulate");
        Assert.Equal(1_280_000 / 16.0 + 1280 + 1000, ofSixteen.DramBytes, 1.0);
        Assert.True(ofSixteen.Seconds < one.Seconds / 4);
    }

    [Fact]
    public void Low_bits_stop_paying_where_a_layer_becomes_memory_bound()
    {
        var model = Preset("bitfusion").CostModel();
        // A 3x3 depthwise conv on 144 channels of 56x56: 9 multiply-accumulates for every 2 bytes moved at 8 bits.
        var depthwise = new LayerWorkload("dw", LayerOp.DepthwiseConv, M: 144, K: 9, N: 3136, Weights: 144 * 9, InputElements: 144 * 3136, OutputElements: 144 * 3136);

        var w8a8 = model.Cost(depthwise, new Precision(8, 8));
        var w2a8 = model.Cost(depthwise, new Precision(2, 8));
        var w8a4 = model.Cost(depthwise, new Precision(8, 4));

        Assert.True(w8a8.MemoryBound);
        Assert.Equal(w8a8.Seconds, w2a8.Seconds, 0.002 * w8a8.Seconds); // a quarter of the bricks, no faster: the activations bound it
        Assert.Equal(w8a8.Seconds / 2, w8a4.Seconds, 0.01 * w8a8.Seconds); // half the activation bits: half the traffic
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
