using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace AutoDesign.HardwareProfiler.Onnx;

/// <summary>
/// The median time of one run of a session against a baseline session on the same inputs, the two run alternately
/// (after warm-up runs of each) so that a busy machine slows both alike.
/// </summary>
public static class OnnxLatency
{
    public static (double Ms, double BaselineMs) Paired(InferenceSession session, InferenceSession baseline, IReadOnlyList<NamedOnnxValue> inputs, int runs = 30, int warmup = 3)
    {
        var (times, baselineTimes) = (new List<double>(), new List<double>());
        for (int i = 0; i < warmup + runs; i++)
            foreach (var (s, list) in new[] { (session, times), (baseline, baselineTimes) })
            {
                var watch = Stopwatch.StartNew();
                using (s.Run(inputs)) { }
                if (i >= warmup) list.Add(watch.Elapsed.TotalMilliseconds);
            }
        return (Median(times), Median(baselineTimes));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
