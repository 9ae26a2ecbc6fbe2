using System.Globalization;
using System.Text;

namespace AutoDesign.Search.Tests.Tables;

/// <summary>
/// Small benchmark tables written by the tests: decisions k0..k2 (kernel 3/5/7) and e0..e2 (expansion 3/4/6), a
/// categorical "op", the accuracy "acc" and costs "lat_cpu", "lat_gpu", "flops"; every seventh architecture is left
/// out so that some children fall outside the table.
/// </summary>
internal static class TestTables
{
    public static readonly string[] Decisions = ["k0", "k1", "k2", "e0", "e1", "e2", "op"];

    public static IEnumerable<(int[] Choices, double Acc, double LatCpu, double LatGpu, double Flops)> Rows()
    {
        int[] kernels = [3, 5, 7], expansions = [3, 4, 6];
        int n = 0;
        for (int code = 0; code < 729 * 2; code++)
        {
            var c = new int[7];
            int rest = code;
            for (int i = 0; i < 6; i++) { c[i] = rest % 3; rest /= 3; }
            c[6] = rest;
            if (n++ % 7 == 3) continue;
            double capacity = Enumerable.Range(0, 3).Sum(i => kernels[c[i]] * kernels[c[i]] * expansions[c[3 + i]] * (i + 1));
            double acc = 0.5 + 0.4 * (1 - Math.Exp(-capacity / 250.0)) + (c[6] == 1 ? 0.02 : 0) - 0.01 * c[0] * c[5];
            double flops = capacity * 1000;
            double latCpu = 1 + capacity / 100.0 + 0.3 * c[6];
            double latGpu = 1 + Enumerable.Range(0, 3).Sum(i => expansions[c[3 + i]]) / 4.0 + 0.1 * c[0];
            yield return (c, acc, latCpu, latGpu, flops);
        }
    }

    public static string Csv()
    {
        int[] kernels = [3, 5, 7], expansions = [3, 4, 6];
        var text = new StringBuilder("k0,k1,k2,e0,e1,e2,op,acc,lat_cpu,lat_gpu,flops\n");
        foreach (var (c, acc, cpu, gpu, flops) in Rows())
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{kernels[c[0]]},{kernels[c[1]]},{kernels[c[2]]},{expansions[c[3]]},{expansions[c[4]]},{expansions[c[5]]},{(c[6] == 0 ? "conv" : "\"sep,conv\"")},{acc:R},{cpu:R},{gpu:R},{flops:R}\n"));
        return text.ToString();
    }

    public static string Json()
    {
        int[] kernels = [3, 5, 7], expansions = [3, 4, 6];
        return "[" + string.Join(",\n", Rows().Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{{\"k0\":{kernels[r.Choices[0]]},\"k1\":{kernels[r.Choices[1]]},\"k2\":{kernels[r.Choices[2]]},\"e0\":{expansions[r.Choices[3]]},\"e1\":{expansions[r.Choices[4]]},\"e2\":{expansions[r.Choices[5]]}," +
            $"\"op\":\"{(r.Choices[6] == 0 ? "conv" : "sep,conv")}\",\"acc\":{r.Acc:R},\"lat_cpu\":{r.LatCpu:R},\"lat_gpu\":{r.LatGpu:R},\"flops\":{r.Flops:R}}}"))) + "]";
    }

    public static string Write(string directory, string name = "bench.csv")
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, name.EndsWith(".json", StringComparison.Ordinal) ? Json() : Csv());
        return path;
    }
}
