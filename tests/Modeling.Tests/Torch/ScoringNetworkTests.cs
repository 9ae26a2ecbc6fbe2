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
    public void A_quantized_network_is_not_compiled()
    {
        var spec = ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10);
        using var network = new SpecNetwork(spec);
        network.Quantize(new Dictionary<string, Modeling.Quantization.LayerQuantization> { ["conv2"] = new(4, 4, 1f, false) });

        Assert.Throws<ArgumentException>(() => ScoringNetwork.Of(network));
    }
}
