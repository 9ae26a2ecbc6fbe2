using System.Text.Json.Serialization;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Search.Kinds.Common;

namespace AutoDesign.Search.Kinds.Heads;

/// <summary>
/// An attention-pattern job (LServe's and Sparse VideoGen's per-head decisions, searched): which pattern each
/// key/value head of a trained language model takes (<see cref="HeadPattern"/>: dense, streaming, page selection,
/// block-sparse), under a budget on the modelled prefill or decode time on a serving GPU, or on the KV cache, at a
/// context length, e.g. <c>{"kind":"heads","model":"gpt","dataset":"sotu","agent":"ddpg","constraint":{"metric":"decode",
/// "target":"serving-a100","ratio":0.5},"budget":{"episodes":40}}</c>.
/// </summary>
public sealed record HeadsSpec : ModelJobSpec
{
    [JsonPropertyOrder(6)]
    public SparsitySettings? Sparsity { get; init; }
}

/// <summary>The patterns a head chooses from, where the cost is counted, and how candidates are scored.</summary>
public sealed record SparsitySettings
{
    /// <summary>The patterns a head may take; each must fit the model's attention layers (default: <see cref="LanguagePatterns"/> or <see cref="VideoPatterns"/>).</summary>
    public IReadOnlyList<string>? Patterns { get; init; }

    public static readonly IReadOnlyList<string> LanguagePatterns = ["dense", "pages-p16-b64", "streaming-s4-w32", "streaming-s4-w16"];

    public static readonly IReadOnlyList<string> VideoPatterns = ["dense", "spatial", "temporal"];

    /// <summary>Tokens per sequence the prefill, decode or cache is counted at.</summary>
    public int Context { get; init; } = 8_192;

    /// <summary>Sequences served together (at batch 1 a small model's decode is its weights and launches, whatever its heads do).</summary>
    public int Batch { get; init; } = 64;

    /// <summary>Validation windows each candidate is scored on.</summary>
    public int ValidationSamples { get; init; } = 64;

    /// <summary>Test windows the best candidate and the dense model are scored on (0: the whole test split).</summary>
    public int TestSamples { get; init; }

    /// <summary>
    /// Passkey windows (validation filler, depths spread evenly) each candidate must also retrieve from, and as many
    /// test windows for the best; 0: perplexity alone. A long-context model's sparse heads are judged by what they
    /// can still find, which perplexity barely shows.
    /// </summary>
    public int Passkeys { get; init; }

    /// <summary>The patterns offered to <paramref name="model"/>'s heads: those given, or the defaults for its kind of input.</summary>
    public IReadOnlyList<HeadPattern> PatternsFor(Modeling.Specs.ModelSpec model) =>
        [.. (Patterns ?? (model.Input.IsVideo ? VideoPatterns : LanguagePatterns)).Select(HeadPattern.Parse)];

    /// <summary>Each bad setting as (field in camelCase, reason); empty when the settings can run.</summary>
    public IEnumerable<(string Field, string Reason)> Problems()
    {
        var patterns = Patterns ?? LanguagePatterns;
        if (patterns.Count is < 2 or > 16) yield return ("patterns", $"must list 2 to 16 patterns, got {patterns.Count}");
        for (int i = 0; i < Math.Min(patterns.Count, 16); i++)
        {
            string? reason = null;
            try { HeadPattern.Parse(patterns[i] ?? ""); }
            catch (FormatException e) { reason = e.Message; }
            if (reason is not null) yield return ($"patterns[{i}]", reason);
        }
        if (Context is < 1 or > 1_048_576) yield return ("context", $"must be between 1 and 1,048,576 tokens, got {Context}");
        if (Batch is < 1 or > 4_096) yield return ("batch", $"must be between 1 and 4,096, got {Batch}");
        if (ValidationSamples is < 1 or > 100_000) yield return ("validationSamples", $"must be between 1 and 100,000, got {ValidationSamples}");
        if (TestSamples is < 0 or > 1_000_000) yield return ("testSamples", $"must be between 0 (all) and 1,000,000, got {TestSamples}");
        if (Passkeys is < 0 or > 10_000) yield return ("passkeys", $"must be between 0 (none) and 10,000, got {Passkeys}");
    }
}

/// <summary>An attention-pattern job's spec resolved: the model job's plan and the settings.</summary>
public sealed record HeadsPlan : ModelJobPlan
{
    public required SparsitySettings Sparsity { get; init; }
}
