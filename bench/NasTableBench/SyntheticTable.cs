using System.Globalization;
using System.Text;
using AutoDesign.Modeling;

/// <summary>
/// Writes a SYNTHETIC benchmark table: made-up formulas, not measurements, for exercising the search until a table
/// sampled from the project's own super-network exists. Its shape is once-for-all's: four stages, each with a depth
/// (2, 3, 4), a kernel size (3, 5, 7) and an expansion ratio (3, 4, 6) shared by its blocks; rows are a uniform sample
/// of the 3^12 architectures. FLOPs are counted for MobileNetV3-like blocks on a 28x28 input; accuracy rises with
/// FLOPs with diminishing returns, favours large kernels late and depth in the middle, plus noise; "lat_cpu" follows
/// FLOPs with large kernels dearer per FLOP, "lat_gpu" follows depth (a launch per layer) more than FLOPs.
/// </summary>
internal static class SyntheticTable
{
    public static readonly string[] Decisions = ["d0", "d1", "d2", "d3", "k0", "k1", "k2", "k3", "e0", "e1", "e2", "e3"];

    public static void Write(string path, int rows, ulong seed)
    {
        int[] depths = [2, 3, 4], kernels = [3, 5, 7], expansions = [3, 4, 6];
        int[] widths = [16, 24, 40, 80], sizes = [28, 14, 7, 4];
        var random = new SplitMix64(seed);
        var codes = new HashSet<int>();
        while (codes.Count < Math.Min(rows, 531_441)) codes.Add(random.NextInt(531_441));

        var text = new StringBuilder(string.Join(",", Decisions) + ",acc,lat_cpu,lat_gpu,mflops\n");
        foreach (int code in codes.Order())
        {
            var c = new int[12];
            int rest = code;
            for (int i = 0; i < 12; i++) { c[i] = rest % 3; rest /= 3; }
            double flops = 0, cpu = 0.4, gpu = 0.6, bonus = 0;
            for (int s = 0; s < 4; s++)
            {
                int d = depths[c[s]], k = kernels[c[4 + s]], e = expansions[c[8 + s]], w = widths[s], h = sizes[s];
                double block = h * h * (2.0 * e * w * w + e * w * k * k); // expand and project 1x1, depthwise k x k
                flops += d * block;
                cpu += d * h * h * (2.0 * e * w * w + 1.6 * e * w * k * k) * 4e-7 + 0.02 * d;
                gpu += d * (0.15 + block * 2e-8);
                bonus += 0.004 * s * (k - 3) / 4.0 + (s is 1 or 2 ? 0.006 * (d - 2) : 0) - (s == 0 ? 0.003 * (e - 3) : 0);
            }
            double acc = 0.92 - 0.22 * Math.Exp(-flops / 6e6) + bonus + 0.004 * TruncatedNormal(random);
            cpu *= 1 + 0.02 * TruncatedNormal(random);
            gpu *= 1 + 0.02 * TruncatedNormal(random);
            text.Append(string.Join(",", c.Select((v, i) => (i < 4 ? depths : i < 8 ? kernels : expansions)[v])))
                .Append(string.Create(CultureInfo.InvariantCulture, $",{acc:F5},{cpu:F4},{gpu:F4},{flops / 1e6:F3}\n"));
        }
        File.WriteAllText(path, text.ToString());
    }

    private static double TruncatedNormal(SplitMix64 random) => AutoDesign.Search.Agents.TruncatedNormal.Sample(random, 0, 1, -3, 3);
}
