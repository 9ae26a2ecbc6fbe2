using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Torch;

public class SpecNetworkTests
{
    [Theory]
    [InlineData("lenet5", 1, 28)]
    [InlineData("vgg-small-w0.5", 3, 32)]
    [InlineData("resnet20-w0.5", 1, 28)]
    [InlineData("resnet20", 3, 32)]
    [InlineData("mobilenetv2-small-w0.5", 1, 28)]
    [InlineData("mobilenetv2-small", 3, 32)]
    public void The_built_module_has_the_spec_shapes_and_parameter_count(string name, int channels, int size)
    {
        var spec = ModelZoo.Create(name, new InputSpec(channels, size, size), 10);
        using var network = new SpecNetwork(spec);
        using var scope = NewDisposeScope();

        var output = network.forward(randn(2, channels, size, size));

        Assert.Equal(new long[] { 2, 10 }, output.shape);
        Assert.Equal(spec.Analyze().Params, network.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void A_forward_pass_frees_each_layer_s_output_once_no_later_layer_reads_it()
    {
        using var network = new SpecNetwork(ModelZoo.Create("resnet20", new InputSpec(1, 28, 28), 10));
        network.eval();
        using var noGrad = no_grad();
        using var input = randn(4, 1, 28, 28);
        Tensor all;
        using (var scope = NewDisposeScope())
        {
            var outputs = network.ForwardAll(input);
            all = outputs[network.Spec.Layers[^1].Name].clone().MoveToOuterDisposeScope();
            Assert.True(scope.DisposablesCount > network.Spec.Layers.Count, $"{scope.DisposablesCount} tensors"); // every output kept
        }
        using (var scope = NewDisposeScope())
        {
            var output = network.forward(input);
            Assert.True(scope.DisposablesCount <= 1, $"{scope.DisposablesCount} tensors left after the pass"); // the result alone
            Assert.Equal(0, (output - all).abs().max().item<float>(), 6);
        }
        all.Dispose();
    }

    [Fact]
    public void Weights_are_named_after_the_layers()
    {
        using var network = new SpecNetwork(ModelZoo.Create("resnet20", new InputSpec(1, 28, 28), 10));

        var names = network.state_dict().Keys.ToHashSet();

        Assert.Contains("stem.conv.weight", names);
        Assert.Contains("stem.bn.running_mean", names);
        Assert.Contains("s2b1_shortcut.conv.weight", names);
        Assert.Contains("fc.fc.bias", names);
    }
}
