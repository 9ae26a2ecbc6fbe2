using System.Text.Json;
using System.Text.Json.Serialization;
using AutoDesign.Modeling.Inputs;

namespace AutoDesign.Modeling.Data.ImageFolders;

/// <summary>
/// Optional settings of an image folder, read from <c>dataset.json</c> at its top: the square size and channel count
/// images are brought to (default: those of the first image, at most 224), the normalisation (default: measured on
/// the training split) and whether mirror images are valid samples (default: yes).
/// </summary>
public sealed record ImageFolderSettings
{
    public const string FileName = "dataset.json";

    public int? Size { get; init; }

    public int? Channels { get; init; }

    public float[]? Mean { get; init; }

    public float[]? Std { get; init; }

    public bool Flip { get; init; } = true;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static ImageFolderSettings Read(string directory, string name, InputFiles inputs)
    {
        string path = Path.Combine(directory, FileName);
        if (inputs.FindFile(path, InputFormat.DatasetSettings) is null) return new ImageFolderSettings();
        ImageFolderSettings settings;
        try
        {
            settings = JsonSerializer.Deserialize<ImageFolderSettings>(inputs.ReadText(path, InputFormat.DatasetSettings), Options) ?? new();
        }
        catch (JsonException e)
        {
            throw new DatasetException($"{Path.Combine(name, FileName)}: {ParseErrors.Describe(e, InputFormat.DatasetSettings)}");
        }
        string Bad(string field, string reason) => throw new DatasetException($"{Path.Combine(name, FileName)}: {field} {reason}");
        if (settings.Size is < 8 or > 512) Bad("size", $"must be between 8 and 512, got {settings.Size}");
        if (settings.Channels is not (null or 1 or 3)) Bad("channels", $"must be 1 or 3, got {settings.Channels}");
        foreach (var (field, values, low) in new[] { ("mean", settings.Mean, 0f), ("std", settings.Std, 1e-6f) })
            if (values is not null && (values.Length is not (1 or 3) || values.Any(v => !float.IsFinite(v) || v < low || v > 1)))
                Bad(field, $"must hold 1 or 3 numbers between {low} and 1");
        return settings;
    }
}
