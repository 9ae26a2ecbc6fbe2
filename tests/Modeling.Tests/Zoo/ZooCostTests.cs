using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.Modeling.Tests.Zoo;

/// <summary>MACs and parameters of the zoo against counts worked out by hand, layer by layer.</summary>
public class ZooCostTests
{
    private static readonly InputSpec Mnist = new(1, 28, 28);
    private static readonly InputSpec Cifar = new(3, 32, 32);

    [Fact]
    public void Lenet5_on_28x28()
    {
        var analysis = ModelZoo.Create("lenet5", Mnist, 10).Analyze();

        long macs = 28 * 28 * 6 * 1 * 25   // conv1, padded to keep 28x28
                  + 10 * 10 * 16 * 6 * 25  // conv2 on the 14x14 pooled map
                  + 400 * 120 + 120 * 84 + 84 * 10;
        long parameters = (6 * 25 + 6) + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10);
        Assert.Equal(416_520, macs);
        Assert.Equal(61_706, parameters);
        Assert.Equal(macs, analysis.Macs);
        Assert.Equal(parameters, analysis.Params);
    }

    [Fact]
    public void Resnet20_on_28x28_grey()
    {
        var analysis = ModelZoo.Create("resnet20", Mnist, 10).Analyze();

        long conv3 = 9; // 3x3 kernel
        long macs = 28 * 28 * 16 * 1 * conv3                                           // stem
                  + 6 * (28 * 28 * 16 * 16 * conv3)                                     // stage 1: 3 blocks x 2 convs
                  + 14 * 14 * 32 * 16 * conv3 + 14 * 14 * 32 * 16 + 5 * (14 * 14 * 32 * 32 * conv3) // stage 2 (+1x1 shortcut)
                  + 7 * 7 * 64 * 32 * conv3 + 7 * 7 * 64 * 32 + 5 * (7 * 7 * 64 * 64 * conv3)       // stage 3
                  + 64 * 10;
        long parameters = (16 * 9 + 2 * 16)
                        + 6 * (16 * 16 * 9 + 2 * 16)
                        + (32 * 16 * 9 + 2 * 32) + (32 * 16 + 2 * 32) + 5 * (32 * 32 * 9 + 2 * 32)
                        + (64 * 32 * 9 + 2 * 64) + (64 * 32 + 2 * 64) + 5 * (64 * 64 * 9 + 2 * 64)
                        + (64 * 10 + 10);
        Assert.Equal(macs, analysis.Macs);
        Assert.Equal(parameters, analysis.Params);
        Assert.Equal(22, analysis.Layers.Count(l => l.Op is LayerOp.Conv or LayerOp.Linear)); // 19 + 2 shortcuts + fc
    }

    [Fact]
    public void Resnet20_on_cifar_matches_the_published_size()
    {
        var analysis = ModelZoo.Create("resnet20", Cifar, 10).Analyze();

        long macs = 32 * 32 * 16 * 3 * 9
                  + 6 * (32 * 32 * 16 * 16 * 9)
                  + 16 * 16 * 32 * 16 * 9 + 16 * 16 * 32 * 16 + 5 * (16 * 16 * 32 * 32 * 9)
                  + 8 * 8 * 64 * 32 * 9 + 8 * 8 * 64 * 32 + 5 * (8 * 8 * 64 * 64 * 9)
                  + 64 * 10;
        Assert.Equal(macs, analysis.Macs);
        // He et al. report 0.27M parameters and about 41M MACs for ResNet-20 on CIFAR-10.
        Assert.InRange(analysis.Params, 265_000, 275_000);
        Assert.InRange(analysis.Macs, 40_000_000, 42_000_000);
    }

    [Fact]
    public void Resnet_depth_and_width_scale_the_network()
    {
        var resnet56 = ModelZoo.Create("resnet56", Mnist, 10).Analyze();
        Assert.Equal(9 * 3 * 2 + 1 + 2 + 1, resnet56.Layers.Count(l => l.Op is LayerOp.Conv or LayerOp.Linear));

        var half = ModelZoo.Create("resnet20-w0.5", Mnist, 10).Analyze();
        Assert.Equal(8, half["stem"].OutChannels);
        Assert.Equal(32, half["s3b3_conv2"].OutChannels);
    }

    [Fact]
    public void Vgg_small_on_28x28()
    {
        var analysis = ModelZoo.Create("vgg-small", Mnist, 10).Analyze();

        long macs = 28 * 28 * 32 * 1 * 9 + 28 * 28 * 32 * 32 * 9
                  + 14 * 14 * 64 * 32 * 9 + 14 * 14 * 64 * 64 * 9
                  + 7 * 7 * 128 * 64 * 9 + 7 * 7 * 128 * 128 * 9
                  + 128 * 10;
        long parameters = (32 * 9 + 64) + (32 * 32 * 9 + 64) + (64 * 32 * 9 + 128) + (64 * 64 * 9 + 128)
                        + (128 * 64 * 9 + 256) + (128 * 128 * 9 + 256) + (128 * 10 + 10);
        Assert.Equal(macs, analysis.Macs);
        Assert.Equal(parameters, analysis.Params);
        Assert.Equal(new TensorShape(128, 3, 3), analysis["pool3"].OutputShape);
    }

    [Fact]
    public void Mobilenetv2_small_on_28x28()
    {
        var analysis = ModelZoo.Create("mobilenetv2-small", Mnist, 10).Analyze();

        // (expand, depthwise, project) per block; maps: 28 -> 14 (s2) -> 7 (s3) -> 4 (s4), 3x3 depthwise kernels.
        long macs = 28 * 28 * 32 * 9                                              // stem
                  + 28 * 28 * 32 * 9 + 28 * 28 * 16 * 32                          // s1b1 (t = 1: no expansion)
                  + 28 * 28 * 96 * 16 + 14 * 14 * 96 * 9 + 14 * 14 * 24 * 96      // s2b1
                  + 14 * 14 * 144 * 24 + 14 * 14 * 144 * 9 + 14 * 14 * 24 * 144   // s2b2
                  + 14 * 14 * 144 * 24 + 7 * 7 * 144 * 9 + 7 * 7 * 32 * 144       // s3b1
                  + 2 * (7 * 7 * 192 * 32 + 7 * 7 * 192 * 9 + 7 * 7 * 32 * 192)   // s3b2, s3b3
                  + 7 * 7 * 192 * 32 + 4 * 4 * 192 * 9 + 4 * 4 * 64 * 192        // s4b1
                  + 4 * 4 * 384 * 64 + 4 * 4 * 384 * 9 + 4 * 4 * 64 * 384        // s4b2
                  + 4 * 4 * 384 * 64 + 4 * 4 * 384 * 9 + 4 * 4 * 96 * 384        // s5b1
                  + 4 * 4 * 256 * 96                                              // head
                  + 256 * 10;
        // A conv with batch norm has 2 parameters per output channel besides its weights.
        long parameters = (32 * 9 + 64)
                        + (32 * 9 + 64) + (16 * 32 + 32)
                        + (96 * 16 + 192) + (96 * 9 + 192) + (24 * 96 + 48)
                        + (144 * 24 + 288) + (144 * 9 + 288) + (24 * 144 + 48)
                        + (144 * 24 + 288) + (144 * 9 + 288) + (32 * 144 + 64)
                        + 2 * ((192 * 32 + 384) + (192 * 9 + 384) + (32 * 192 + 64))
                        + (192 * 32 + 384) + (192 * 9 + 384) + (64 * 192 + 128)
                        + (384 * 64 + 768) + (384 * 9 + 768) + (64 * 384 + 128)
                        + (384 * 64 + 768) + (384 * 9 + 768) + (96 * 384 + 192)
                        + (256 * 96 + 512)
                        + (256 * 10 + 10);
        Assert.Equal(macs, analysis.Macs);
        Assert.Equal(parameters, analysis.Params);
        Assert.Equal(4, analysis.Layers.Count(l => l.Op == LayerOp.Add)); // s2b2, s3b2, s3b3, s4b2
    }

    [Theory]
    [InlineData("lenet5")]
    [InlineData("vgg-small")]
    [InlineData("resnet20")]
    [InlineData("mobilenetv2-small")]
    public void Zoo_models_accept_grey_and_colour_inputs(string name)
    {
        foreach (var input in new[] { Mnist, Cifar, new InputSpec(3, 28, 28), new InputSpec(1, 32, 32) })
        {
            var spec = ModelZoo.Create(name, input, 10);
            Assert.Equal(input, spec.Input);
            Assert.True(spec.Analyze().Macs > 0);
        }
    }

    [Theory]
    [InlineData("resnet", "unknown model")]
    [InlineData("resnet21", "6n+2")]
    [InlineData("alexnet", "the zoo has lenet5, vgg-small, resnet20")]
    [InlineData("lenet5-w0", "(0, 8]")]
    [InlineData("resnet20-d2", "only mobilenetv2-small and the transformers take a depth multiplier")]
    public void Bad_model_names_are_explained(string name, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => ModelZoo.Create(name, Mnist, 10));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_model_that_does_not_fit_the_input_says_so()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelZoo.Create("lenet5", new InputSpec(1, 8, 8), 10));
        Assert.Contains("does not fit 1x8x8 inputs", error.Message);
    }
}
