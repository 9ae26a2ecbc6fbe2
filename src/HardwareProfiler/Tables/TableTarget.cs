using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Tables;

/// <summary>
/// Latency from a <see cref="LatencyTable"/>: each layer's key is looked up and the means are summed, the way
/// ProxylessNAS and Once-for-All estimate latency without the device. A layer whose exact width was never measured
/// is interpolated within its family (same op, spatial shapes, kernel, stride, bits) by its op's cost law: a dense or
/// grouped conv or a linear layer does Cin x Cout work, so latency is fitted as a + b x Cin x Cout + c x Cin + d x Cout
/// over the family's entries; every other layer (depthwise conv, pools, joins, upsampling, layer norm) does work in
/// proportion to its channels, so latency is fitted as a + b x C. With too few distinct widths for the fit, the
/// nearest entry is scaled by the ratio of the work. A layer with no family in the table is an error naming it.
/// </summary>
public sealed class TableTarget(LatencyTable table) : IHardwareTarget
{
    private readonly Dictionary<string, List<(int In, int Out, double Mean)>> _families = Families(table);

    public string Name => $"lut:{table.Name}";

    public TargetKind Kind => TargetKind.Table;

    public string Description => $"look-up table '{table.Name}' ({table.Entries.Count} entries) measured on {table.Source}";

    public PrecisionPolicy DefaultPrecision => PrecisionPolicy.Uniform(table.Precision.WeightBits, table.Precision.ActivationBits);

    public LatencyTable Table => table;

    public CostReport Measure(ModelSpec spec, PrecisionPolicy? precision = null)
    {
        precision ??= DefaultPrecision;
        precision.Validate(spec);
        var layers = new List<LayerCost>();
        double total = 0, variance = 0;
        int interpolated = 0;
        foreach (var (layer, key) in LayerKey.Of(spec, precision))
        {
            double value;
            if (table.Entries.TryGetValue(key.Key, out var entry))
            {
                value = entry.Mean;
                variance += entry.Variance;
            }
            else
            {
                value = Interpolate(layer.Name, key);
                interpolated++;
            }
            total += value;
            layers.Add(new LayerCost(layer.Name, Figure.Milliseconds(value)));
        }
        return new CostReport(Name, Kind, Figure.Milliseconds(total, Math.Sqrt(variance)), null, layers, new Dictionary<string, string>
        {
            ["source"] = table.Source,
            ["precision"] = precision.Key,
            ["interpolatedLayers"] = interpolated.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["simulated"] = "true",
        });
    }

    private double Interpolate(string layer, LayerKey key)
    {
        if (!_families.TryGetValue(key.Family, out var points))
            throw new ArgumentException($"{Name} has no entry like '{key.Key}' (layer '{layer}'): sweep a network with such layers into the table");
        bool product = ScalesWithInTimesOut(key.Family);
        double Work(int cin, int cout) => Math.Max(1, product ? (double)cin * cout : cout);
        double[] Features(int cin, int cout) => product ? [(double)cin * cout, cin, cout] : [cout];
        if (points.Select(p => product ? (p.In, p.Out) : (0, p.Out)).Distinct().Count() >= (product ? 4 : 2))
        {
            try
            {
                var beta = MathNet.Numerics.LinearRegression.MultipleRegression.QR(
                    points.Select(p => Features(p.In, p.Out)).ToArray(), points.Select(p => p.Mean).ToArray(), intercept: true);
                double estimate = beta[0] + Features(key.InChannels, key.OutChannels).Select((x, i) => beta[i + 1] * x).Sum();
                if (double.IsFinite(estimate) && estimate >= 0) return estimate;
            }
            catch (ArgumentException)
            {
                // widths that only ever changed together make the fit singular: fall back to scaling
            }
        }
        var nearest = points.MinBy(p => Math.Abs(Math.Log(Work(p.In, p.Out) / Work(key.InChannels, key.OutChannels))));
        return nearest.Mean * Work(key.InChannels, key.OutChannels) / Work(nearest.In, nearest.Out);
    }

    // Dense and grouped convs and linear layers multiply every input channel into every output (grouped: a fixed
    // share of them); every other op touches each channel once.
    private static bool ScalesWithInTimesOut(string family)
    {
        string op = family[..family.IndexOf(':')];
        return op is "conv" or "linear" || op.StartsWith("conv-g", StringComparison.Ordinal);
    }

    private static Dictionary<string, List<(int, int, double)>> Families(LatencyTable table)
    {
        var families = new Dictionary<string, List<(int, int, double)>>();
        foreach (var (key, entry) in table.Entries)
        {
            if (!TryParse(key, out var family, out int cin, out int cout)) continue;
            if (!families.TryGetValue(family, out var list)) families[family] = list = [];
            list.Add((cin, cout, entry.Mean));
        }
        return families;
    }

    // "op:16x28x28>32x14x14:rest" -> family "op:28x28>14x14:rest", 16, 32; flat shapes are single numbers.
    internal static bool TryParse(string key, out string family, out int cin, out int cout)
    {
        family = "";
        cin = cout = 0;
        int colon = key.IndexOf(':'), arrow = key.IndexOf('>'), rest = key.IndexOf(':', arrow + 1);
        if (colon < 0 || arrow < colon || rest < 0) return false;
        static bool Split(string shape, out int channels, out string spatial)
        {
            var parts = shape.Split('x', 2);
            spatial = parts.Length == 2 ? parts[1] : "v";
            return int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out channels);
        }
        if (!Split(key[(colon + 1)..arrow], out cin, out var inSpatial) || !Split(key[(arrow + 1)..rest], out cout, out var outSpatial)) return false;
        family = $"{key[..colon]}:{inSpatial}>{outSpatial}{key[rest..]}";
        return true;
    }
}
