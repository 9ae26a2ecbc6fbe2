using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.Modeling.Tests.Specs;

public sealed class ModelLimitsTests
{
    private static ModelSpec Net(int channels, int layers = 1, int size = 28) => new()
    {
        Name = "n",
        Input = new InputSpec(1, size, size),
        Classes = 10,
        Layers =
        [
            .. Enumerable.Range(0, layers).Select(i => new LayerSpec { Name = $"c{i}", Op = LayerOp.Conv, Out = channels, Kernel = 3 }),
            new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 10 },
        ],
    };

    [Theory]
    [InlineData(1_000_000_000, 1, 28, "layers[0].out")]
    [InlineData(8, 2_000, 28, "layers")]
    [InlineData(8, 1, 20_000, "input")]
    [InlineData(4_096, 3, 28, "layers[1]")] // 151 M parameters in c1 and c2, 116 G MACs: over the MAC limit, the largest layer named
    public void A_network_over_a_limit_is_refused_naming_the_layer(int channels, int layers, int size, string field)
    {
        var error = Assert.Throws<ModelSpecException>(() => ModelLimits.Default.Check(Net(channels, layers, size)));
        Assert.Equal(field, error.Field);
        Assert.Contains("at most", error.Reason);
    }

    [Fact]
    public void The_zoos_largest_networks_and_an_operators_own_limits_hold()
    {
        foreach (string model in new[] { "resnet-50", "resnet-18", "mobilenet-v1", "mobilenet-v2-w1.4" })
            ModelLimits.Default.Check(ModelZoo.Create(model, new InputSpec(3, 224, 224), 1000));
        ModelLimits.Default.Check(Net(64));

        var strict = new ModelLimits { MaxParameters = 1_000 };
        Assert.Contains("parameters", Assert.Throws<ModelSpecException>(() => strict.Check(Net(64))).Reason);
    }

    // A one-block language model: embedding, attention over its own projections, the head.
    private static ModelSpec LanguageModel(int context, int vocabulary, int width) => new()
    {
        Name = "lm", Input = InputSpec.Tokens(context, vocabulary), Classes = vocabulary,
        Layers =
        [
            new LayerSpec { Name = "tokens", Op = LayerOp.Embedding, Out = width },
            new LayerSpec { Name = "q", Op = LayerOp.Projection, Out = width, Inputs = ["tokens"] },
            new LayerSpec { Name = "k", Op = LayerOp.Projection, Out = width, Inputs = ["tokens"] },
            new LayerSpec { Name = "v", Op = LayerOp.Projection, Out = width, Inputs = ["tokens"] },
            new LayerSpec { Name = "attention", Op = LayerOp.Attention, Inputs = ["q", "k", "v"], HeadSize = 8, Causal = true },
            new LayerSpec { Name = "head", Op = LayerOp.Projection, Out = vocabulary },
        ],
    };

    [Theory]
    [InlineData(128, int.MaxValue, 64, "layers[5].out")]   // a vocabulary no head can score
    [InlineData(128, 1_000_000, 1_024, "layers[5].out")]
    [InlineData(10_000_000, 97, 64, "layers[0]")]          // a context whose embedded map alone is over the limit
    [InlineData(200_000, 97, 64, "layers[4]")]             // attention over 200,000 positions: 2.6 T MACs
    public void An_absurd_language_model_is_refused_naming_the_layer(int context, int vocabulary, int width, string field)
    {
        var error = Assert.Throws<ModelSpecException>(() => ModelLimits.Default.Check(LanguageModel(context, vocabulary, width)));
        Assert.Equal(field, error.Field);
    }
}
