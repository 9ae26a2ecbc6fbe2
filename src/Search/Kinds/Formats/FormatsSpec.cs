using System.Text.Json.Serialization;
using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Search.Kinds.Common;

namespace AutoDesign.Search.Kinds.Formats;

/// <summary>
/// A serving-format job (HAQ for transformers): which format each q/k/v/o and MLP projection of a trained transformer
/// takes, and how each attention layer stores its KV cache, under a memory budget (weights plus the KV cache of a
/// batch at a context length) or a decode-latency budget on a serving GPU, e.g. <c>{"kind":"formats","model":"gpt",
/// "dataset":"sotu","agent":"ddpg","constraint":{"metric":"memory","ratio":0.6},"budget":{"episodes":40}}</c>.
/// </summary>
public sealed record FormatsSpec : ModelJobSpec
{
    [JsonPropertyOrder(6)]
    public ServingSettings? Serving { get; init; }
}

/// <summary>The formats a job chooses from, where it is served, and how candidates are calibrated and scored.</summary>
public sealed record ServingSettings
{
    /// <summary>The formats a projection may take (see <see cref="ProjectionFormat"/> for the names).</summary>
    public IReadOnlyList<string> Formats { get; init; } = ["fp16", "w8a8-smooth", "w4a16-awq-g128", "w4a8-g128", "w4a4-svd-r16-g64", "w4a4-smooth-g64"];

    /// <summary>The KV cache formats an attention layer may take (language models; an encoder keeps no cache).</summary>
    public IReadOnlyList<string> Caches { get; init; } = ["kv16", "kv8", "kv4-smooth"];

    /// <summary>Tokens per sequence the memory and latency budgets are counted at.</summary>
    public int Context { get; init; } = 1_024;

    /// <summary>Sequences served together.</summary>
    public int Batch { get; init; } = 1;

    /// <summary>SmoothQuant's migration strength (and SVDQuant's smoothing).</summary>
    public double SmoothingAlpha { get; init; } = 0.5;

    public double SmoothAttentionAlpha { get; init; } = 0.5;

    /// <summary>Training windows (language models) or images each layer is calibrated on.</summary>
    public int CalibrationSamples { get; init; } = 32;

    public const int MaxCalibrationSamples = 256;

    /// <summary>Validation windows (language models) or images each candidate is scored on.</summary>
    public int ValidationSamples { get; init; } = 64;

    /// <summary>Test windows or images the best candidate and the float model are scored on (0: the whole test split).</summary>
    public int TestSamples { get; init; }

    [JsonIgnore]
    public IReadOnlyList<ProjectionFormat> ParsedFormats => [.. Formats.Select(ProjectionFormat.Parse)];

    [JsonIgnore]
    public IReadOnlyList<KvCacheFormat> ParsedCaches => [.. Caches.Select(KvCacheFormat.Parse)];

    [JsonIgnore]
    public FormatSettings Calibration => new(SmoothingAlpha, SmoothAttentionAlpha);

    /// <summary>Each bad setting as (field in camelCase, reason); empty when the settings can run.</summary>
    public IEnumerable<(string Field, string Reason)> Problems()
    {
        if (Formats.Count is 0 or > 32) yield return ("formats", $"must list 1 to 32 formats, got {Formats.Count}");
        for (int i = 0; i < Math.Min(Formats.Count, 32); i++)
            if (Reason(() => ProjectionFormat.Parse(Formats[i] ?? "")) is { } reason) yield return ($"formats[{i}]", reason);
        if (Caches.Count > 8) yield return ("caches", $"must list at most 8 cache formats, got {Caches.Count}");
        for (int i = 0; i < Math.Min(Caches.Count, 8); i++)
            if (Reason(() => KvCacheFormat.Parse(Caches[i] ?? "")) is { } reason) yield return ($"caches[{i}]", reason);
        if (Context is < 1 or > 1_048_576) yield return ("context", $"must be between 1 and 1,048,576 tokens, got {Context}");
        if (Batch is < 1 or > 4_096) yield return ("batch", $"must be between 1 and 4,096, got {Batch}");
        if (SmoothingAlpha is < 0 or > 1 || double.IsNaN(SmoothingAlpha)) yield return ("smoothingAlpha", $"must be in [0, 1], got {SmoothingAlpha}");
        if (SmoothAttentionAlpha is < 0 or > 1 || double.IsNaN(SmoothAttentionAlpha)) yield return ("smoothAttentionAlpha", $"must be in [0, 1], got {SmoothAttentionAlpha}");
        // Calibration keeps every layer's output for all its samples at once: 256 windows of a 128-token GPT is ~2 GB.
        if (CalibrationSamples is < 1 or > MaxCalibrationSamples) yield return ("calibrationSamples", $"must be between 1 and {MaxCalibrationSamples}, got {CalibrationSamples}");
        if (ValidationSamples is < 1 or > 100_000) yield return ("validationSamples", $"must be between 1 and 100,000, got {ValidationSamples}");
        if (TestSamples is < 0 or > 1_000_000) yield return ("testSamples", $"must be between 0 (all) and 1,000,000, got {TestSamples}");
    }

    private static string? Reason(Action parse)
    {
        try
        {
            parse();
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }
}

/// <summary>A serving-format job's spec resolved: the model job's plan, the settings, and the cost its budget is on.</summary>
public sealed record FormatsPlan : ModelJobPlan
{
    public required ServingSettings Serving { get; init; }
}
