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

    public static JobSpec Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<JobSpec>(json, Options)
                ?? throw new JobSpecException([new FieldError("spec", "the document is null")]);
        }
        catch (JsonException e)
        {
            string field = e.Path is null or "$" ? "spec" : e.Path.TrimStart('$', '.');
            string reason = e.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "is not a field of a job spec" : e.Message;
            throw new JobSpecException([new FieldError(field, reason)]);
        }
    }
}
