using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Tables;

/// <summary>
/// Builds a <see cref="LatencyTable"/> on a target that reports per-layer latency: each model is measured as it is,
/// at uniform widths of 75%, 50% and 25%, and at randomly pruned widths, and every layer's figure is filed under its
/// key, so that the table covers the widths a pruning or architecture search will ask about. Each network is
/// measured at every precision given (default: the target's own), so that mixed-precision policies can be looked up.
/// </summary>
public static class LatencySweep
{
    public static readonly double[] UniformWidths = [1.0, 0.75, 0.5, 0.25];

    public static LatencyTable Run(string name, IHardwareTarget target, IEnumerable<ModelSpec> models, int randomVariants = 8,
        ulong seed = 1, IReadOnlyList<PrecisionPolicy>? precisions = null, Action<string>? progress = null)
    {
        LatencyTable? table = null;
        precisions = precisions is { Count: > 0 } ? precisions : [target.DefaultPrecision];
        var random = new SplitMix64(seed);
        foreach (var model in models)
        {
            var variants = Variants(model, randomVariants, random).ToList();
            for (int v = 0; v < variants.Count; v++)
            {
                progress?.Invoke($"{model.Name}: variant {v + 1}/{variants.Count}");
                foreach (var precision in precisions)
                {
                    var report = target.Measure(variants[v], precision);
                    table ??= new LatencyTable
                    {
                        Name = name,
                        Precision = precision.Default,
                        Source = $"{target.Name} ({string.Join(", ", report.Conditions.Where(c => c.Key is "device" or "batch" or "threads" or "runtime" or "model").Select(c => $"{c.Key} {c.Value}"))})",
                    };
                    var keys = LayerKey.Of(variants[v], precision);
                    for (int l = 0; l < keys.Count; l++) table.Add(keys[l].Key.Key, report.Layers[l].Latency.Value);
                }
            }
        }
        return table ?? throw new ArgumentException("a sweep needs at least one model");
    }

    /// <summary>The model at uniform widths, then with each prunable group kept at a random 25% to 100% of its channels.</summary>
    public static IEnumerable<ModelSpec> Variants(ModelSpec model, int randomVariants, SplitMix64 random)
    {
        var groups = model.Analyze().ChannelGroups.Where(g => g.Prunable).ToList();
        ModelSpec Narrow(Func<ChannelGroup, double> ratio) =>
            new PruningPolicy(groups.ToDictionary(PruningPolicy.KeyOf, g => g.Snap(g.Channels * ratio(g)))).ApplyTo(model);
        foreach (double width in UniformWidths) yield return width == 1.0 ? model : Narrow(_ => width);
        for (int i = 0; i < randomVariants; i++) yield return Narrow(_ => 0.25 + 0.75 * random.NextDouble());
    }
}
