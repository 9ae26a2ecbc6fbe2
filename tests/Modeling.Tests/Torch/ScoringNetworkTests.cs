using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Torch;

public class ScoringNetworkTests
{
    [Theory]
    [InlineData("lenet5", 1, 28)]
    [InlineData("resnet20-w0.5", 1, 28)]
    [InlineData("mobilenetv2-small-w0.5", 3, 32)]
    [InlineData("mobilenetv3-small", 3, 32)] // squeeze-and-excitation gates, hard-swish
    [InlineData("efficientnet-b0", 3, 32)]   // SiLU, depthwise 5x5
    public void The_compiled_network_computes_what_the_module_computes_in_eval_mode(string name, int channels, int size)
    {
        var spec = ModelZoo.Create(name, new InputSpec(channels, size, size), 10);
        using var network = new SpecNetwork(spec);
        using var scope = NewDisposeScope();
        manual_seed(5);
        using (no_grad()) // batch-norm statistics that are not the identity, so that folding them has work to do
            foreach (var (key, tensor) in network.state_dict())
                if (key.EndsWith("running_mean", StringComparison.Ordinal)) tensor.copy_(randn_like(tensor) * 0.3);
                else if (key.EndsWith("running_var", StringComparison.Ordinal)) tensor.copy_(rand_like(tensor) + 0.5);
        network.eval();
        var images = randn(4, channels, size, size);

        using var compiled = ScoringNetwork.Of(network);
        Tensor expected, actual;
        using (no_grad()) expected = network.forward(images);
        using (inference_mode()) actual = compiled.Forward(images);

        double error = (actual - expected).abs().max().item<float>() / expected.abs().max().item<float>();
        Assert.True(error < 1e-5, $"{name}: relative difference {error:G3}");
    }

    [Fact]
    public void Layer_norm_upsampling_and_joins_compute_what_the_module_computes()
    {
        var spec = new ModelSpec
        {
            Name = "joins", Input = new InputSpec(3, 8, 8), Classes = 5,
            Layers =
            [
                new LayerSpec { Name = "a", Op = LayerOp.Conv, Out = 6, Kernel = 3, Stride = 2, BatchNorm = true, Activation = Activation.Relu },
                new LayerSpec { Name = "norm", Op = LayerOp.LayerNorm, Activation = Activation.Gelu },
                new LayerSpec { Name = "up", Op = LayerOp.Upsample, Scale = 2 },
                new LayerSpec { Name = "b", Op = LayerOp.Conv, Out = 4, Kernel = 1, Inputs = ["up"] },
                new LayerSpec { Name = "both", Op = LayerOp.Concat, Inputs = ["up", "b"] },
                new LayerSpec { Name = "pool", Op = LayerOp.GlobalAvgPool },
                new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 5 },
            ],
        };
        using var network = new SpecNetwork(spec);
        using var scope = NewDisposeScope();
        manual_seed(6);
        using (no_grad())
            foreach (var (key, tensor) in network.state_dict().Where(p => p.Key.StartsWith("norm.", StringComparison.Ordinal)))
                tensor.copy_(randn_like(tensor)); // a layer norm that is not the identity
        network.eval();
        var images = randn(4, 3, 8, 8);

        using var compiled = ScoringNetwork.Of(network);
        Tensor expected, actual;
        using (no_grad()) expected = network.forward(images);
        using (inference_mode()) actual = compiled.Forward(images);

        Assert.True((actual - expected).abs().max().item<float>() <= 1e-5f * expected.abs().max().item<float>());
    }

    [Fact]
    public void A_quantized_network_is_not_compiled()
    {
        var spec = ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10);
        using var network = new SpecNetwork(spec);
        network.Quantize(new Dictionary<string, Modeling.Quantization.LayerQuantization> { ["conv2"] = new(4, 4, 1f, false) });

        Assert.Throws<ArgumentException>(() => ScoringNetwork.Of(network));
    }
}
