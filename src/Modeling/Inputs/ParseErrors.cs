using System.Text.Json;

namespace AutoDesign.Modeling.Inputs;

/// <summary>Why a file did not parse, told by position and expected format only: a message never quotes what the file holds.</summary>
public static class ParseErrors
{
    public static string Describe(JsonException e, InputFormat format)
    {
        string where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
        string? path = e.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : null;
        if (path is not null && e.Message.Contains("could not be mapped", StringComparison.Ordinal))
            return $"has a field '{path}' that {format.Description} does not have{where}";
        if (path is not null && (e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) || e.Message.StartsWith("must be", StringComparison.Ordinal)))
            return $"has a value at '{path}' that does not fit {format.Description}{where}";
        return $"is not {format.Description}{where}";
    }
}
