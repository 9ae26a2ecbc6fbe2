using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Specs;

/// <summary>Concat, mul, upsample, layer norm and grouped convs: shapes, counts, bad fields and what TorchSharp computes.</summary>
public class OperatorTests
{
    private static ModelSpec Spec(params LayerSpec[] layers) =>
        new() { Name = "ops", Input = new InputSpec(4, 8, 8), Classes = 5, Layers = layers };

    private static ModelSpec Everything() => Spec(
        new LayerSpec { Name = "a", Op = LayerOp.Conv, Out = 6, Kernel = 3, Inputs = [] },
        new LayerSpec { Name = "b", Op = LayerOp.Conv, Out = 10, Kernel = 1, Groups = 2, Inputs = [] },
        new LayerSpec { Name = "joined", Op = LayerOp.Concat, Inputs = ["a", "b"] },
        new LayerSpec { Name = "norm", Op = LayerOp.LayerNorm, Epsilon = 1e-5 },
        new LayerSpec { Name = "pool", Op = LayerOp.GlobalAvgPool },
        new LayerSpec { Name = "gate", Op = LayerOp.Linear, Out = 16, Activation = Activation.Sigmoid },
        new LayerSpec { Name = "scaled", Op = LayerOp.Mul, Inputs = ["norm", "gate"] },
        new LayerSpec { Name = "down", Op = LayerOp.MaxPool, Kernel = 2, Stride = 2, Padding = 0 },
        new LayerSpec { Name = "up", Op = LayerOp.Upsample, Scale = 2, Activation = Activation.Relu },
        new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 5 });

    [Fact]
    public void Shapes_and_counts_follow_each_operator()
    {
        var analysis = Everything().Analyze();

        Assert.Equal(new TensorShape(16, 8, 8), analysis["joined"].OutputShape);
        Assert.Equal(2, analysis["b"].Groups);
        Assert.Equal(8L * 8 * 10 * (4 / 2), analysis["b"].Macs); // each output channel sees 2 of the 4 inputs
        Assert.Equal(10L * 2 + 10, analysis["b"].Params);
        Assert.Equal(2L * 16, analysis["norm"].Params);
        Assert.Equal(new TensorShape(16, 8, 8), analysis["scaled"].OutputShape);
        Assert.Equal(new TensorShape(16, 8, 8), analysis["up"].OutputShape);
        Assert.Equal(0, analysis["scaled"].Macs + analysis["up"].Macs + analysis["joined"].Macs);
    }

    [Fact]
    public void The_network_has_the_analysed_parameters_and_computes_each_operator()
    {
        var spec = Everything();
        manual_seed(2);
        using var network = new SpecNetwork(spec);
        network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (_, p) in network.named_parameters()) p.uniform_(-1, 1);
        var input = randn(3, 4, 8, 8);

        var outputs = network.ForwardAll(input);

        Assert.Equal(spec.Analyze().Params, network.parameters().Sum(p => p.numel()));
        Assert.Equal(new long[] { 3, 5 }, outputs["fc"].shape);
        Assert.True(cat([outputs["a"], outputs["b"]], 1).allclose(outputs["joined"]));
        var norm = outputs["norm"];
        var state = network.state_dict();
        var standardised = (norm - state["norm.bias"].reshape(1, -1, 1, 1)) / state["norm.weight"].reshape(1, -1, 1, 1);
        Assert.True(standardised.mean([1]).abs().max().item<float>() < 1e-4); // zero mean and unit variance over the channels
        Assert.True((standardised.square().mean([1]) - 1).abs().max().item<float>() < 1e-3);
        Assert.True((norm * outputs["gate"].reshape(3, 16, 1, 1)).allclose(outputs["scaled"]));
        var up = outputs["up"];
        Assert.True(up[.., .., 0..2, 0..2].allclose(outputs["down"][.., .., 0..1, 0..1].relu().expand(-1, -1, 2, 2)));
    }

    [Theory]
    [InlineData("""{"name":"c","op":"conv","out":6,"groups":4}""", "layers[0].groups")]
    [InlineData("""{"name":"c","op":"dwconv","groups":2}""", "layers[0].groups")]
    [InlineData("""{"name":"u","op":"upsample"}""", "layers[0].scale")]
    [InlineData("""{"name":"u","op":"upsample","scale":0}""", "layers[0].scale")]
    [InlineData("""{"name":"u","op":"max-pool","kernel":2,"scale":2}""", "layers[0].scale")]
    [InlineData("""{"name":"n","op":"layer-norm","epsilon":2}""", "layers[0].epsilon")]
    [InlineData("""{"name":"j","op":"concat"}""", "layers[0].inputs")]
    [InlineData("""{"name":"m","op":"mul"}""", "layers[0].inputs")]
    public void Bad_operator_fields_are_named(string layer, string field)
    {
        string json = $$"""{"name":"x","input":{"channels":4,"height":8,"width":8},"classes":3,"layers":[{{layer}},{"name":"fc","op":"linear","out":3}]}""";
        var error = Assert.Throws<ModelSpecException>(() => ModelSpecJson.Deserialize(json));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void A_gate_of_the_wrong_width_is_refused()
    {
        var spec = Spec(
            new LayerSpec { Name = "a", Op = LayerOp.Conv, Out = 6 },
            new LayerSpec { Name = "pool", Op = LayerOp.GlobalAvgPool },
            new LayerSpec { Name = "gate", Op = LayerOp.Linear, Out = 5 },
            new LayerSpec { Name = "m", Op = LayerOp.Mul, Inputs = ["a", "gate"] },
            new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 5 });

        var error = Assert.Throws<ModelSpecException>(() => spec.Analyze());
        Assert.Equal("layers[3].inputs[1]", error.Field);
    }

    [Fact]
    public void Concat_keeps_each_input_its_own_group_and_tells_readers_where_it_lies()
    {
        var analysis = Spec(
            new LayerSpec { Name = "a", Op = LayerOp.Conv, Out = 6, Kernel = 3, Inputs = [] },
            new LayerSpec { Name = "b", Op = LayerOp.Conv, Out = 10, Kernel = 1, Groups = 2, Inputs = [] },
            new LayerSpec { Name = "joined", Op = LayerOp.Concat, Inputs = ["a", "b"] },
            new LayerSpec { Name = "norm", Op = LayerOp.LayerNorm },
            new LayerSpec { Name = "c", Op = LayerOp.Conv, Out = 8, Kernel = 1 },
            new LayerSpec { Name = "pool", Op = LayerOp.GlobalAvgPool },
            new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 5 }).Analyze();

        var a = analysis.ChannelGroups.Single(g => g.Producers.Contains("a"));
        var b = analysis.ChannelGroups.Single(g => g.Producers.Contains("b"));
        Assert.True(a.Prunable);
        Assert.Equal("a grouped conv makes it", b.FixedBecause);
        Assert.Equal([new ChannelSegment(a.Id, 6), new ChannelSegment(b.Id, 10)], analysis.InputLayouts["norm"]);
        Assert.Contains("norm", a.Followers);
        Assert.Contains("norm", b.Followers);
        Assert.Equal(analysis.InputLayouts["norm"], analysis.InputLayouts["c"]);
        Assert.Contains("c", a.Consumers);
        Assert.Contains("c", b.Consumers);
    }

    [Fact]
    public void A_gate_that_cannot_follow_a_concat_channel_by_channel_fixes_both()
    {
        var analysis = Everything().Analyze(); // one 16-wide gate scales the 6 + 10 channels of the concat

        var a = analysis.ChannelGroups.Single(g => g.Producers.Contains("a"));
        var gate = analysis.ChannelGroups.Single(g => g.Producers.Contains("gate"));
        Assert.Equal("'scaled' joins it with channels split differently", a.FixedBecause);
        Assert.Equal(a.FixedBecause, gate.FixedBecause);
    }

    [Fact]
    public void A_squeeze_and_excitation_gate_is_tied_to_the_map_it_scales()
    {
        var analysis = ModelZoo.Create("mobilenetv3-small", new InputSpec(3, 32, 32), 10).Analyze();

        var block = analysis.ChannelGroups.Single(g => g.Producers.Contains("b4_expand"));
        Assert.Equal(["b4_expand", "b4_se_excite"], block.Producers);
        Assert.Equal(["b4_dw"], block.Followers);
        Assert.Equal(["b4_se_squeeze", "b4_project"], block.Consumers);
        var squeeze = analysis.ChannelGroups.Single(g => g.Producers.Contains("b4_se_squeeze"));
        Assert.Equal(["b4_se_excite"], squeeze.Consumers);
        Assert.True(squeeze.Prunable);
    }
}
