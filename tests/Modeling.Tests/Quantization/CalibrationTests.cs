using AutoDesign.Modeling.Quantization;

namespace AutoDesign.Modeling.Tests.Quantization;

public class CalibrationTests
{
    // Mostly small values with a few large outliers: a good clip ignores the outliers.
    private static float[] HeavyTailed()
    {
        var random = new SplitMix64(3);
        var values = Enumerable.Range(0, 20_000).Select(_ => (float)Math.Abs(Gaussian.Normal(random))).ToList();
        values.AddRange([40f, 45f, 50f]);
        return [.. values];
    }

    [Fact]
    public void Kl_clips_rare_outliers_away()
    {
        float clip = ClipCalibration.Clip(HeavyTailed(), 8, signed: false, CalibrationMethod.Kl);

        Assert.InRange(clip, 2f, 30f); // well below the outliers at 40-50, above the bulk of a half-normal
    }

    [Theory]
    [InlineData(CalibrationMethod.Kl)]
    [InlineData(CalibrationMethod.Mse)]
    public void Fewer_bits_clip_harder(CalibrationMethod method)
    {
        var samples = HeavyTailed();

        float clip8 = ClipCalibration.Clip(samples, 8, signed: false, method);
        float clip3 = ClipCalibration.Clip(samples, 3, signed: false, method);

        // MSE keeps the outliers at 8 bits (clipping them costs more squared error than coarser steps), but at 3 bits
        // the rounding error of the bulk dominates and both methods clip.
        Assert.True(clip3 < clip8, $"3 bits clip {clip3} should be below 8 bits clip {clip8}");
        Assert.True(clip3 < 10f, $"3 bits clip {clip3}");
    }

    [Fact]
    public void Uniform_values_are_not_clipped_by_much()
    {
        var samples = Enumerable.Range(0, 10_000).Select(i => i / 10_000f).ToArray();
        Assert.InRange(ClipCalibration.Clip(samples, 8, signed: false, CalibrationMethod.Mse), 0.95f, 1.0f);
        Assert.InRange(ClipCalibration.Clip(samples, 8, signed: false, CalibrationMethod.Kl), 0.9f, 1.01f);
    }
}

internal static class Gaussian
{
    public static double Normal(SplitMix64 random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
