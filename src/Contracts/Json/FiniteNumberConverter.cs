using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoDesign.Contracts;

/// <summary>
/// Numbers read from outside are finite: "NaN", "Infinity" and literals too large for a double are refused where they
/// are read, naming the field, rather than stored and failing later. Numbers in quotes are read as the web defaults do.
/// </summary>
internal sealed class FiniteNumberConverter : JsonConverter<double>
{
    public const string Refusal = "must be a finite number";

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        double value = reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetDouble(out double number) => number,
            JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double quoted) => quoted,
            _ => throw new JsonException(Refusal),
        };
        return double.IsFinite(value) ? value : throw new JsonException(Refusal);
    }

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
