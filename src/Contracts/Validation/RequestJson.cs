using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace AutoDesign.Contracts;

/// <summary>
/// Reads a document from outside by the <see cref="AutoDesignJson.Strict"/> rules; what is wrong with it is an
/// <see cref="InvalidSpecException"/> naming the field where it broke (or <c>root</c> for the document as a whole) and
/// what was expected there, never quoting the document itself.
/// </summary>
public static partial class RequestJson
{
    public static T Parse<T>(string json, string what, string root)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, AutoDesignJson.Strict)
                   ?? throw new InvalidSpecException(root, "the document is null");
        }
        catch (JsonException e)
        {
            throw new InvalidSpecException(Field(e, root), Reason(e, what));
        }
    }

    /// <summary>The field a reading error is about: the JSON path without its <c>$.</c>, or <paramref name="root"/>.</summary>
    public static string Field(JsonException e, string root) => e.Path is null or "$" ? root : e.Path.TrimStart('$', '.');

    /// <summary>Why a document could not be read, in words a user can act on.</summary>
    public static string Reason(JsonException e, string what)
    {
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal)) return $"is not a field of a {what}";
        if (e.Message.StartsWith(FiniteNumberConverter.Refusal, StringComparison.Ordinal)) return e.Message;
        if (ConvertedTo().Match(e.Message) is { Success: true } match) return $"must be {Expected(match.Groups[1].Value)}";
        return e.LineNumber is { } line ? $"is not valid JSON (line {line + 1}, position {e.BytePositionInLine + 1})" : "is not valid JSON";
    }

    private static string Expected(string type) =>
        type.Contains("List", StringComparison.Ordinal) || type.Contains("[]", StringComparison.Ordinal) ? "a list"
        : type.Contains("System.Int", StringComparison.Ordinal) ? "a whole number"
        : type.Contains("System.Double", StringComparison.Ordinal) || type.Contains("System.Single", StringComparison.Ordinal) ? "a number"
        : type.Contains("System.Boolean", StringComparison.Ordinal) ? "true or false"
        : type.Contains("System.String", StringComparison.Ordinal) ? "a string"
        : EnumNames(type) is { } names ? $"one of {names}"
        : "a value of the documented form";

    // The JSON names of the enum the error names (or of a nullable's enum), or null when it names no enum.
    private static string? EnumNames(string type)
    {
        const string nullable = "System.Nullable`1[";
        string name = type.StartsWith(nullable, StringComparison.Ordinal) ? type[nullable.Length..^1] : type;
        var enumType = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is { IsEnum: true });
        return enumType is null ? null : string.Join(", ", enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(f.Name)));
    }

    [GeneratedRegex(@"could not be converted to ([^.\s]+(?:\.[^.\s]+)*)")]
    private static partial Regex ConvertedTo();
}
