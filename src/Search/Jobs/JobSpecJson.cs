using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoDesign.Search.Jobs;

/// <summary>Reads job specs: camelCase, unknown fields refused, malformed JSON reported with the path where it broke.</summary>
public static class JobSpecJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    public static JobSpec Parse(string json) => Parse<JobSpec>(json, "job spec", "spec");

    /// <summary>
    /// Reads any request document by the same rules; a problem is a <see cref="JobSpecException"/> naming the field
    /// (or <paramref name="root"/> for the document as a whole).
    /// </summary>
    public static T Parse<T>(string json, string what, string root)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new JobSpecException([new FieldError(root, "the document is null")]);
        }
        catch (JsonException e)
        {
            string field = e.Path is null or "$" ? root : e.Path.TrimStart('$', '.');
            string reason = e.Message.Contains("could not be mapped", StringComparison.Ordinal) ? $"is not a field of a {what}" : e.Message;
            throw new JobSpecException([new FieldError(field, reason)]);
        }
    }
}
