using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Sparsity;

/// <summary>An attention layer's patterns, one for each key/value head, read from their names and checked against the layer.</summary>
public static class HeadPatterns
{
    /// <summary>The patterns <paramref name="names"/> give (null: every head dense); a bad one is a <see cref="ModelSpecException"/> naming <c>field[h]</c>.</summary>
    public static IReadOnlyList<HeadPattern> Read(IReadOnlyList<string>? names, string field, int keyHeads, int frames, int perFrame, bool causal)
    {
        if (names is null) return [.. Enumerable.Repeat(HeadPattern.Dense, keyHeads)];
        var patterns = new List<HeadPattern>();
        for (int h = 0; h < names.Count; h++)
        {
            try
            {
                patterns.Add(HeadPattern.Parse(names[h] ?? ""));
            }
            catch (FormatException e)
            {
                throw new ModelSpecException($"{field}[{h}]", e.Message);
            }
        }
        Check(patterns, field, keyHeads, frames, perFrame, causal);
        return patterns;
    }

    /// <summary>Throws a <see cref="ModelSpecException"/> naming the first pattern that does not fit, or a count that is not one per key/value head.</summary>
    public static void Check(IReadOnlyList<HeadPattern> patterns, string field, int keyHeads, int frames, int perFrame, bool causal)
    {
        if (patterns.Count != keyHeads) throw new ModelSpecException(field, $"gives {patterns.Count} patterns for {keyHeads} key/value heads");
        for (int h = 0; h < patterns.Count; h++)
            if (patterns[h].Misfit(frames, perFrame, causal) is { } misfit) throw new ModelSpecException($"{field}[{h}]", $"{patterns[h].Name}: {misfit}");
    }
}
