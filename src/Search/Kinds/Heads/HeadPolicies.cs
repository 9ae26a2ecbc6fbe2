using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Search.Kinds.Heads;

/// <summary>
/// A heads policy: attention layer -> one pattern per key/value head. Results list it one entry per head, named
/// <c>layer[head]</c> in head order; a spec carries it in its attention layers (<see cref="LayerSpec.Heads"/>).
/// </summary>
public static class HeadPolicies
{
    /// <summary>The policy a result's entries (<c>block0_attention[3]</c>, pattern name) describe.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>> FromEntries(IEnumerable<(string Head, string Pattern)> entries) =>
        entries.Select(e => (Layer: e.Head[..e.Head.LastIndexOf('[')], Pattern: HeadPattern.Parse(e.Pattern)))
            .GroupBy(e => e.Layer).ToDictionary(g => g.Key, g => (IReadOnlyList<HeadPattern>)[.. g.Select(e => e.Pattern)]);

    /// <summary>How many heads take each pattern, most first: "17 streaming-s4-w64, 15 dense".</summary>
    public static string Counts(IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>> policy) =>
        string.Join(", ", policy.Values.SelectMany(v => v).GroupBy(p => p.Name).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"));

    /// <summary>The spec with each attention layer's patterns in it (<see cref="LayerSpec.Heads"/>).</summary>
    public static ModelSpec SpecWith(ModelSpec spec, IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>> policy) => spec with
    {
        Layers = [.. spec.Layers.Select(l => policy.TryGetValue(l.Name, out var heads) && heads.Any(h => h is not DensePattern)
            ? l with { Heads = [.. heads.Select(h => h.Name)] }
            : l)],
    };
}
