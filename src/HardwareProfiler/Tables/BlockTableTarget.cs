using System.Globalization;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;
using YamlDotNet.RepresentationModel;

namespace AutoDesign.HardwareProfiler.Tables;

/// <summary>
/// The per-block latency tables ProxylessNAS and Once-for-All publish (one YAML file per device and resolution):
/// keys such as <c>expanded_conv-input:56x56x24-output:28x28x32-expand:6-kernel:5-stride:2-idskip:0</c>, values with
/// count, mean (ms) and std or variance. A MobileNetV2-style spec (a stem conv, inverted-residual blocks, a 1x1 head
/// conv, global pooling and a classifier) is cut into those blocks and their means are summed; each block's figure is
/// attributed to its first layer.
/// </summary>
public sealed class BlockTableTarget(string name, Dictionary<string, TableEntry> entries, string path) : IHardwareTarget
{
    public string Name => $"lut:{name}";

    public TargetKind Kind => TargetKind.Table;

    public PrecisionPolicy DefaultPrecision => PrecisionPolicy.Float32;

    public string Description => $"block look-up table {Path.GetFileName(path)} ({entries.Count} entries, ProxylessNAS / Once-for-All format)";

    public static BlockTableTarget Load(string path)
    {
        string name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new ArgumentException($"{name}: no such look-up table");
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ArgumentException($"{name}: not valid YAML at line {e.Start.Line}", e);
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new ArgumentException($"{name}: expected a mapping from block keys to {{count, mean, std}}");
        var entries = new Dictionary<string, TableEntry>();
        foreach (var (keyNode, valueNode) in root.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            if (valueNode is not YamlMappingNode value)
                throw new ArgumentException($"{name}: '{key}' should map to count, mean and std or variance");
            double Field(string field, double? fallback = null)
            {
                if (value.Children.TryGetValue(new YamlScalarNode(field), out var node) && node is YamlScalarNode scalar
                    && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)) return number;
                return fallback ?? throw new ArgumentException($"{name}: '{key}' has no numeric '{field}'");
            }
            double std = Field("std", -1);
            double variance = std >= 0 ? std * std : Field("variance", 0);
            double mean = Field("mean");
            if (mean < 0 || variance < 0) throw new ArgumentException($"{name}: '{key}' has a negative mean or spread");
            entries[key] = new TableEntry((long)Field("count", 1), mean, variance);
        }
        return new BlockTableTarget(Path.GetFileNameWithoutExtension(path), entries, path);
    }

    public CostReport Measure(ModelSpec spec, PrecisionPolicy? precision = null)
    {
        var costs = spec.Layers.ToDictionary(l => l.Name, _ => 0.0);
        double total = 0, variance = 0;
        foreach (var (first, key) in Blocks(spec))
        {
            if (!entries.TryGetValue(key, out var entry))
                throw new ArgumentException($"{Name} has no entry '{key}' (the block starting at layer '{first}')");
            costs[first] += entry.Mean;
            total += entry.Mean;
            variance += entry.Variance;
        }
        return new CostReport(Name, Kind, Figure.Milliseconds(total, Math.Sqrt(variance)), null,
            spec.Layers.Select(l => new LayerCost(l.Name, Figure.Milliseconds(costs[l.Name]))).ToList(),
            new Dictionary<string, string> { ["source"] = path, ["simulated"] = "true", ["note"] = "per-block figures, attributed to each block's first layer" });
    }

    /// <summary>The table keys of a MobileNetV2-style spec, each with the name of the block's first layer.</summary>
    public static IReadOnlyList<(string FirstLayer, string Key)> Blocks(ModelSpec spec)
    {
        var analysis = spec.Analyze();
        var layers = spec.Layers;
        string Shape(TensorShape s) => s.Flat ? $"{s.Channels}" : $"{s.Height}x{s.Width}x{s.Channels}";
        string Unsupported(string why) => throw new ArgumentException($"'{spec.Name}' is not a MobileNetV2-style network a block table can cost: {why}");
        var blocks = new List<(string, string)>();
        if (layers[0].Op != LayerOp.Conv) Unsupported("it does not start with a conv");
        blocks.Add((layers[0].Name, $"Conv-input:{Shape(analysis.Layers[0].InputShape)}-output:{Shape(analysis.Layers[0].OutputShape)}"));

        int i = 1;
        while (i < layers.Count && !(layers[i].Op == LayerOp.Conv && (i + 1 >= layers.Count || layers[i + 1].Op != LayerOp.DepthwiseConv)))
        {
            int start = i;
            bool expands = layers[i].Op == LayerOp.Conv;
            if (expands) i++;
            if (i >= layers.Count || layers[i].Op != LayerOp.DepthwiseConv) Unsupported($"layer '{layers[start].Name}' does not begin an inverted-residual block");
            var dw = layers[i];
            if (i + 1 >= layers.Count || layers[i + 1].Op != LayerOp.Conv) Unsupported($"depthwise layer '{dw.Name}' is not followed by a projection conv");
            int project = i + 1;
            bool skip = project + 1 < layers.Count && layers[project + 1].Op == LayerOp.Add;
            var input = analysis.Layers[start].InputShape;
            var output = analysis.Layers[project].OutputShape;
            int expand = expands ? analysis.Layers[start].OutChannels / input.Channels : 1;
            blocks.Add((layers[start].Name, string.Create(CultureInfo.InvariantCulture,
                $"expanded_conv-input:{Shape(input)}-output:{Shape(output)}-expand:{expand}-kernel:{dw.Kernel}-stride:{dw.Stride}-idskip:{(skip ? 1 : 0)}")));
            i = project + (skip ? 2 : 1);
        }
        if (i + 2 >= layers.Count || layers[i].Op != LayerOp.Conv || layers[i + 1].Op != LayerOp.GlobalAvgPool || layers[i + 2].Op != LayerOp.Linear)
            Unsupported("it does not end with a 1x1 conv, global pooling and a classifier");
        blocks.Add((layers[i].Name, $"Conv_1-input:{Shape(analysis.Layers[i].InputShape)}-output:{Shape(analysis.Layers[i].OutputShape)}"));
        blocks.Add((layers[i + 1].Name, $"Logits-input:{Shape(analysis.Layers[i + 1].InputShape)}-output:{analysis.Layers[i + 2].OutChannels}"));
        return blocks;
    }
}
