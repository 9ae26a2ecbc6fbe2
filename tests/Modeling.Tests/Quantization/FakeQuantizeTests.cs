using AutoDesign.Modeling.Quantization;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Quantization;

public class FakeQuantizeTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(4)]
    [InlineData(2)]
    public void Weights_use_at_most_2b_minus_1_levels_per_channel_and_err_by_at_most_half_a_step(int bits)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var weight = randn(6, 3, 3, 3);

        var quantized = FakeQuantize.Weights(weight, bits);

        var maxAbs = weight.abs().flatten(1).amax([1]);
        for (int c = 0; c < 6; c++)
        {
            double step = maxAbs[c].item<float>() / ((1 << (bits - 1)) - 1);
            var error = (quantized[c] - weight[c]).abs().max().item<float>();
            Assert.True(error <= step / 2 + 1e-6, $"channel {c}: error {error} > half step {step / 2}");
            Assert.True(quantized[c].unique().Item1.numel() <= (1 << bits) - 1);
        }
    }

    [Fact]
    public void Unsigned_activations_stay_in_range_on_the_grid()
    {
        using var scope = NewDisposeScope();
        var input = linspace(-1, 5, 1000);

        var quantized = FakeQuantize.Activations(input, bits: 3, clip: 3.5f, signed: false);

        Assert.Equal(0f, quantized.min().item<float>());
        Assert.Equal(3.5f, quantized.max().item<float>(), 5);
        Assert.Equal(8, quantized.unique().Item1.numel()); // 2^3 levels: 0 .. 7 steps of 0.5
        var inside = input.ge(0).logical_and(input.le(3.5f));
        Assert.True((quantized - input).abs().masked_select(inside).max().item<float>() <= 0.25f + 1e-6);
    }

    [Fact]
    public void Gradients_pass_straight_through_inside_the_clip_and_stop_outside()
    {
        var input = tensor(new float[] { -2f, -0.5f, 0.3f, 0.9f, 2f }).requires_grad_();

        FakeQuantize.Activations(input, bits: 4, clip: 1f, signed: true).sum().backward();

        Assert.Equal([0f, 1f, 1f, 1f, 0f], input.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Thirty_two_bits_leave_values_untouched()
    {
        using var scope = NewDisposeScope();
        var x = randn(10);
        Assert.True(FakeQuantize.Weights(x.reshape(2, 5), 32).reshape(10).equal(x).all().item<bool>());
        Assert.True(FakeQuantize.Activations(x, 32, 1f, true).equal(x).all().item<bool>());
    }
}
