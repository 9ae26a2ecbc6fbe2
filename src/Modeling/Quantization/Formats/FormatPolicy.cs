using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// Which serving format each projection of a transformer takes, and how each attention layer stores its KV cache.
/// A projection or attention layer not named stays in FP16. The output head is not among the quantizable
/// projections: serving systems keep it in 16 bits (QServe, AWQ and SmoothQuant all do).
/// </summary>
public sealed record FormatPolicy(IReadOnlyDictionary<string, ProjectionFormat> Projections, IReadOnlyDictionary<string, KvCacheFormat> Caches)
{
    /// <summary>The projections a policy may name: all but the network's output layer.</summary>
    public static IReadOnlyList<string> QuantizableProjections(ModelSpec spec) =>
        [.. spec.Layers.Take(spec.Layers.Count - 1).Where(l => l.Op == LayerOp.Projection).Select(l => l.Name)];

    public static IReadOnlyList<string> AttentionLayers(ModelSpec spec) =>
        [.. spec.Layers.Where(l => l.Op == LayerOp.Attention).Select(l => l.Name)];

    /// <summary>One format for every quantizable projection and one for every cache.</summary>
    public static FormatPolicy Uniform(ModelSpec spec, ProjectionFormat format, KvCacheFormat cache) =>
        new(QuantizableProjections(spec).ToDictionary(name => name, _ => format), AttentionLayers(spec).ToDictionary(name => name, _ => cache));

    /// <summary>Every named layer's format by name, projections and caches together (a cache format's name starts with "kv").</summary>
    public IReadOnlyDictionary<string, string> Names() =>
        Projections.Select(p => (p.Key, p.Value.Name)).Concat(Caches.Select(c => (c.Key, c.Value.Name))).ToDictionary(p => p.Key, p => p.Item2);

    /// <summary>The policy <see cref="Names"/> describes; a name that is not a format is a <see cref="FormatException"/>.</summary>
    public static FormatPolicy FromNames(IReadOnlyDictionary<string, string> names) => new(
        names.Where(n => !IsCache(n.Value)).ToDictionary(n => n.Key, n => ProjectionFormat.Parse(n.Value)),
        names.Where(n => IsCache(n.Value)).ToDictionary(n => n.Key, n => KvCacheFormat.Parse(n.Value)));

    private static bool IsCache(string name) => name.StartsWith("kv", StringComparison.OrdinalIgnoreCase);

    public ProjectionFormat For(string projection) => Projections.GetValueOrDefault(projection) ?? new ProjectionFormat(FormatKind.Fp16);

    public KvCacheFormat CacheFor(string attention) => Caches.GetValueOrDefault(attention) ?? KvCacheFormat.Fp16;

    /// <summary>Throws a <see cref="ModelSpecException"/> naming the first layer the policy cannot apply to, and why.</summary>
    public void Validate(ModelSpec spec)
    {
        var analysis = spec.Analyze();
        var quantizable = QuantizableProjections(spec).ToHashSet();
        foreach (var (name, format) in Projections)
        {
            if (!quantizable.Contains(name))
                throw new ModelSpecException($"projections.{name}", $"{spec.Name} has no quantizable projection of that name (formats apply to q/k/v/o and MLP projections, not the output head)");
            var shape = analysis.Layers[IndexOf(spec, name)];
            if (format.Misfit(shape.OutChannels, shape.InChannels) is { } misfit) throw new ModelSpecException($"projections.{name}", misfit);
        }
        var attention = AttentionLayers(spec).ToHashSet();
        foreach (var name in Caches.Keys)
            if (!attention.Contains(name)) throw new ModelSpecException($"caches.{name}", $"{spec.Name} has no attention layer of that name");
    }

    private static int IndexOf(ModelSpec spec, string name)
    {
        for (int i = 0; i < spec.Layers.Count; i++)
            if (spec.Layers[i].Name == name) return i;
        return -1;
    }
}
