using System.Globalization;

namespace AutoDesign.HardwareProfiler.Predictors;

/// <summary>
/// Numeric features of a layer, read back from its look-up-table key: the op (one-hot), input and output shapes,
/// kernel, stride, batch norm, activation, bit-widths, and the work they imply (MACs, elements read and written).
/// </summary>
public static class LayerFeatures
{
    private static readonly string[] Ops = ["conv", "dwconv", "linear", "max-pool", "avg-pool", "global-avg-pool", "add", "concat", "mul", "upsample", "layer-norm"];

    public const int Count = 11 + 6 + 2 + 3 + 2 + 4 + 1;

    /// <summary>Throws <see cref="FormatException"/> for keys not made by <see cref="Tables.LayerKey"/>.</summary>
    public static float[] FromKey(string key)
    {
        var parts = key.Split(':');
        if (parts.Length != 7) throw new FormatException($"'{key}' is not a layer key");
        var (opName, groups) = parts[0].Split("-g") is [var name, var g] && int.TryParse(g, CultureInfo.InvariantCulture, out int count)
            ? (name, count) : (parts[0], 1);
        int op = Array.IndexOf(Ops, opName);
        if (op < 0) throw new FormatException($"'{key}' has unknown op '{parts[0]}'");
        var shapes = parts[1].Split('>');
        var (cin, h, w) = Shape(shapes[0]);
        var (cout, ho, wo) = Shape(shapes[1]);
        int k = int.Parse(parts[2][1..], CultureInfo.InvariantCulture), s = int.Parse(parts[3][1..], CultureInfo.InvariantCulture);
        var bits = parts[6][1..].Split('a');
        double wb = double.Parse(bits[0], CultureInfo.InvariantCulture), ab = double.Parse(bits[1], CultureInfo.InvariantCulture);

        double inputs = cin * h * w, outputs = cout * ho * wo;
        double macs = opName switch
        {
            "conv" => outputs * cin / groups * k * k,
            "dwconv" => outputs * k * k,
            "linear" => inputs * cout,
            _ => 0,
        };
        var features = new float[Count];
        features[op] = 1;
        float[] rest = [(float)cin, (float)h, (float)w, (float)cout, (float)ho, (float)wo, k, s,
            parts[4] == "bn" ? 1 : 0, parts[5] == "relu" ? 1 : 0, parts[5] == "relu6" ? 1 : 0, (float)wb, (float)ab,
            (float)macs, (float)Math.Log(macs + 1), (float)inputs, (float)outputs, groups];
        rest.CopyTo(features, Ops.Length);
        return features;
    }

    private static (double Channels, double Height, double Width) Shape(string shape)
    {
        var dims = shape.Split('x').Select(d => double.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        return dims.Length == 3 ? (dims[0], dims[1], dims[2]) : (dims[0], 1, 1);
    }
}
