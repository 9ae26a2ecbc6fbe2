using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoDesign.Contracts;

/// <summary>
/// The one set of JSON rules of AutoDesign: the REST API, the database's JSON columns, the command line's --json output
/// and the files in the data folder all use them. camelCase names, enums as camelCase strings (or the names an enum
/// gives its values; never numbers, which could name no value at all), nulls left out, non-ASCII text unescaped
/// (nothing is embedded in HTML). The variants differ only in layout (<see cref="Indented"/>) and in refusing unknown fields when reading what comes from outside (<see cref="Strict"/>).
/// </summary>
public static class AutoDesignJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false, strict: false);

    /// <summary>For files people read and the command line's output.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true, strict: false);

    /// <summary>For documents from outside (requests, spec files, hardware descriptions): a field the type does not have is an error.</summary>
    public static JsonSerializerOptions Strict { get; } = Create(indented: true, strict: true);

    /// <summary>Gives options made elsewhere (ASP.NET Core's, from the web defaults) the shared rules.</summary>
    public static void Apply(JsonSerializerOptions options)
    {
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new FiniteNumberConverter());
    }

    private static JsonSerializerOptions Create(bool indented, bool strict)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            UnmappedMemberHandling = strict ? JsonUnmappedMemberHandling.Disallow : JsonUnmappedMemberHandling.Skip,
        };
        Apply(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
