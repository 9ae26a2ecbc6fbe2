using System.Text.Json;

namespace AutoDesign.Modeling.Inputs;

/// <summary>Why a file did not parse, told by position and expected format only: a message never quotes what the file holds.</summary>
public static class ParseErrors
{
    public static string Describe(JsonException e, InputFormat format)
    {
        string where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
        bool wrongType = e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) && e.Path is { Length: > 1 };
        return wrongType ? $"the value at {e.Path} does not fit {format.Description}{where}" : $"is not {format.Description}{where}";
    }
}
