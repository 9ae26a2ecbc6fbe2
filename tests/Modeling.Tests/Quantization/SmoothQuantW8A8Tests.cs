using AutoDesign.Modeling.Quantization.Formats;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Quantization;

/// <summary>W8A8 with SmoothQuant's migration on a 2 x 2 projection, worked by hand.</summary>
public class SmoothQuantW8A8Tests
{
    [Fact]
    public void Migration_then_int8_codes_then_one_rescale_give_the_hand_worked_outputs()
    {
        using var scope = NewDisposeScope();
        var weight = tensor(new[] { 0.5f, -1f, 2f, 0.25f }).reshape(2, 2);
        var input = tensor(new[] { 4f, -0.5f }).reshape(1, 2, 1, 1); // one token

        // alpha 0.5: s = sqrt(max|X_j|) / sqrt(max|W_j|) = [sqrt(4 / 2), sqrt(0.5 / 1)] = [sqrt 2, sqrt 0.5]
        var smoothing = SmoothQuantW8A8.Scales(tensor(new[] { 4f, 0.5f }), weight, alpha: 0.5);
        Assert.True(smoothing.allclose(tensor(new[] { MathF.Sqrt(2), MathF.Sqrt(0.5f) })));

        using var layer = new SmoothQuantW8A8(weight, bias: null, smoothing);
        var y = layer.Project(input);

        // X / s = [2 sqrt 2, -sqrt 0.5]: token scale 2 sqrt 2 / 127, codes [127, round(-31.75) = -32].
        // W s = [[sqrt 0.5, -sqrt 0.5], [2 sqrt 2, sqrt 0.5 / 4]]: row scales sqrt 0.5 / 127 and 2 sqrt 2 / 127,
        // codes [127, -127] and [127, round(7.9375) = 8].
        // y0 = (127 * 127 + 32 * 127) * (2 sqrt 2 / 127)(sqrt 0.5 / 127) = 20,193 * 2 / 16,129   (exact: 2.5)
        // y1 = (127 * 127 - 32 * 8) * (2 sqrt 2 / 127)^2            = 15,873 * 8 / 16,129   (exact: 7.875)
        var expected = tensor(new[] { 20_193f * 2 / 16_129, 15_873f * 8 / 16_129 }).reshape(1, 2, 1, 1);
        Assert.True(y.allclose(expected, rtol: 1e-6, atol: 1e-6), y.ToString(TorchSharp.TensorStringStyle.Julia));
    }

    [Fact]
    public void Without_migration_an_outlier_channel_costs_the_small_channel_its_precision()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var weight = randn(16, 64) * 0.1;
        var input = randn(8, 64, 1, 4);
        input[.., 5] *= 60; // one outlier channel, as LLM activations have
        var exact = nn.functional.conv2d(input, weight.view(16, 64, 1, 1));
        var maxima = input.abs().amax([0, 2, 3]);

        double Error(Tensor? smoothing)
        {
            using var layer = new SmoothQuantW8A8(weight, null, smoothing);
            return (layer.Project(input) - exact).square().mean().sqrt().item<float>();
        }

        Assert.True(Error(SmoothQuantW8A8.Scales(maxima, weight, 0.5)) < 0.5 * Error(null));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    public void Alpha_outside_zero_to_one_is_refused(double alpha) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SmoothQuantW8A8.Scales(ones(2), ones(2, 2), alpha));
}
