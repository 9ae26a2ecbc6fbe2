using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Training;

/// <summary>A language model moved to another context keeps its weights: on the positions both share it predicts the same.</summary>
public class ContextLengthTests
{
    [Theory]
    [InlineData("gpt-w0.25-d0.5", 40)] // longer: the position table repeats
    [InlineData("gpt-w0.25-d0.5", 8)] // shorter: the table is cut
    [InlineData("llama-w0.25-d0.5", 40)] // rotary: no table
    public void A_resized_model_predicts_what_the_original_does_on_the_positions_both_have(string model, int context)
    {
        manual_seed(3);
        using var original = new SpecNetwork(ModelZoo.Create(model, InputSpec.Tokens(16, 30), 30));
        original.eval();
        using var resized = ContextLength.Resize(original, context);
        using var noGrad = no_grad();

        var ids = randint(0, 30, [2, 1, 1, context]);
        int shared = Math.Min(16, context);
        var longer = resized.forward(ids)[.., .., .., ..shared];
        var reference = original.forward(context >= 16 ? ids[.., .., .., ..16] : cat([ids, zeros_like(ids)[.., .., .., ..(16 - context)]], 3))[.., .., .., ..shared];

        Assert.Equal(InputSpec.Tokens(context, 30), resized.Spec.Input);
        Assert.True(longer.allclose(reference, rtol: 1e-4, atol: 1e-5), $"largest difference {(longer - reference).abs().max().item<float>()}");
    }

    [Fact]
    public void Repeated_positions_start_each_new_position_from_its_place_in_the_old_table()
    {
        manual_seed(4);
        using var original = new SpecNetwork(ModelZoo.Create("gpt-w0.25-d0.5", InputSpec.Tokens(16, 30), 30));
        using var resized = ContextLength.Resize(original, 40);

        var before = original.state_dict().Single(p => p.Key.EndsWith("positions.weight", StringComparison.Ordinal)).Value;
        var after = resized.state_dict().Single(p => p.Key.EndsWith("positions.weight", StringComparison.Ordinal)).Value;
        Assert.Equal([before.shape[0], 1, 40], after.shape);
        Assert.True(after[.., .., 37].eq(before[.., .., 5]).all().item<bool>());
    }

    [Fact]
    public void An_image_model_has_no_context_to_resize()
    {
        using var network = new SpecNetwork(ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10));
        Assert.Contains("not tokens", Assert.Throws<ArgumentException>(() => ContextLength.Resize(network, 64)).Message);
    }
}
