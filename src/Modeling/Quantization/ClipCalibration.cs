using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization;

/// <summary>How an activation's clipping value is chosen.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CalibrationMethod>))]
public enum CalibrationMethod
{
    /// <summary>Minimise the KL divergence between the float and the quantized histograms (as HAQ and TensorRT do).</summary>
    [JsonStringEnumMemberName("kl")] Kl,
    /// <summary>Minimise the mean squared error between float and quantize-dequantized values.</summary>
    [JsonStringEnumMemberName("mse")] Mse,
}

/// <summary>Chooses the clipping value of a set of activation samples for a given bit-width.</summary>
public static class ClipCalibration
{
    private const int Bins = 2048;

    public static float Clip(float[] samples, int bits, bool signed, CalibrationMethod method)
    {
        if (samples.Length == 0) throw new ArgumentException("no samples to calibrate on");
        var magnitudes = signed ? samples.Select(Math.Abs).ToArray() : samples.Select(v => Math.Max(v, 0f)).ToArray();
        float max = magnitudes.Max();
        if (max <= 0) return 1e-8f;
        int levels = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        return method == CalibrationMethod.Mse ? MinimumMse(samples, bits, signed, max) : MinimumKl(magnitudes, Math.Max(levels, 1), max);
    }

    private static float MinimumMse(float[] samples, int bits, bool signed, float max)
    {
        using var scope = NewDisposeScope();
        var x = tensor(samples);
        float best = max;
        double bestError = double.MaxValue;
        for (int i = 1; i <= 100; i++)
        {
            float clip = max * i / 100f;
            double error = (FakeQuantize.Activations(x, bits, clip, signed) - x).square().mean().item<float>();
            if (error < bestError)
            {
                bestError = error;
                best = clip;
            }
        }
        return best;
    }

    // TensorRT's entropy calibration: for each candidate threshold, the histogram below it (with everything above
    // folded into its last bin) is compared with the same histogram merged into `levels` quantization bins. Exact
    // zeros (ReLU's) are left out: zero is always representable, and their spike would otherwise dominate the
    // divergence and push the clip far too low.
    private static float MinimumKl(float[] magnitudes, int levels, float max)
    {
        double width = max / Bins;
        var histogram = new double[Bins];
        foreach (var v in magnitudes)
            if (v > 0) histogram[Math.Min(Bins - 1, (int)(v / width))]++;

        int bestThreshold = Bins;
        double bestDivergence = double.MaxValue;
        for (int threshold = Math.Min(levels, Bins); threshold <= Bins; threshold++)
        {
            var reference = new double[threshold];
            Array.Copy(histogram, reference, threshold);
            for (int b = threshold; b < Bins; b++) reference[threshold - 1] += histogram[b];

            var quantized = new double[threshold];
            double binsPerLevel = (double)threshold / levels;
            for (int level = 0; level < levels; level++)
            {
                int start = (int)Math.Floor(level * binsPerLevel), end = Math.Min(threshold, (int)Math.Floor((level + 1) * binsPerLevel));
                if (level == levels - 1) end = threshold;
                double mass = 0;
                int nonEmpty = 0;
                for (int b = start; b < end; b++)
                {
                    mass += histogram[b];
                    if (histogram[b] > 0) nonEmpty++;
                }
                if (nonEmpty == 0) continue;
                for (int b = start; b < end; b++)
                    if (histogram[b] > 0) quantized[b] = mass / nonEmpty;
            }

            double divergence = Divergence(reference, quantized);
            if (divergence < bestDivergence)
            {
                bestDivergence = divergence;
                bestThreshold = threshold;
            }
        }
        return (float)((bestThreshold + 0.5) * width);
    }

    private static double Divergence(double[] p, double[] q)
    {
        double sumP = p.Sum(), sumQ = q.Sum();
        if (sumP == 0 || sumQ == 0) return double.MaxValue;
        double kl = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0) continue;
            double pi = p[i] / sumP;
            double qi = q[i] / sumQ;
            kl += qi == 0 ? pi * Math.Log(pi / 1e-12) : pi * Math.Log(pi / qi);
        }
        return kl;
    }
}
