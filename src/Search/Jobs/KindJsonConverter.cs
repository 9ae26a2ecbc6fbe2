using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// Reads and writes a family of records whose <c>kind</c> field says which record the object is, the kinds being
/// those <see cref="JobKinds"/> lists, so that registering a kind is all it takes for its specs and plans to be read.
/// A missing, unknown or misplaced kind, and every field the kind's record does not have, is an
/// <see cref="InvalidSpecException"/> naming the field.
/// </summary>
internal abstract class KindJsonConverter<TBase>(string what, Func<IJobKind, Type> typeOf) : JsonConverter<TBase>
    where TBase : class
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert == typeof(TBase);

    public override TBase Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (JsonNode.Parse(ref reader) is not JsonObject json) throw new InvalidSpecException("spec", $"a {what} must be a JSON object");
        RequireUniqueNames(json);
        string names = string.Join(", ", JobKinds.All.Select(k => k.Name));
        if (!json.TryGetPropertyValue("kind", out var given) || given is null) throw new InvalidSpecException("kind", $"is required: one of {names}");
        if (given.GetValueKind() != JsonValueKind.String) throw new InvalidSpecException("kind", $"must be a string: one of {names}");
        string name = given.GetValue<string>();
        var kind = JobKinds.Find(name) ?? throw new InvalidSpecException("kind", $"'{name}' is not a kind of job: use {names}");

        var fields = new JsonObject(json.Where(p => p.Key != "kind").Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        if (options.UnmappedMemberHandling == JsonUnmappedMemberHandling.Disallow)
        {
            var unknown = new List<FieldError>();
            UnknownFields(fields, options.GetTypeInfo(typeOf(kind)), "", $"{kind.Name} {what}", unknown);
            if (unknown.Count > 0) throw new InvalidSpecException(unknown);
        }
        try
        {
            return (TBase)(fields.Deserialize(typeOf(kind), options) ?? throw new InvalidSpecException("spec", $"a {what} must be a JSON object"));
        }
        catch (JsonException e)
        {
            throw new InvalidSpecException(RequestJson.Field(e, "spec"), RequestJson.Reason(e, $"{kind.Name} {what}"));
        }
    }

    /// <summary>A JSON object that names a field twice, at any depth, is refused (JsonObject throws on first reading it).</summary>
    private void RequireUniqueNames(JsonNode json)
    {
        try { Visit(json); }
        catch (ArgumentException) { throw new InvalidSpecException("spec", $"a {what} names a field twice"); }

        static void Visit(JsonNode? node)
        {
            if (node is JsonObject fields) foreach (var (_, value) in fields) Visit(value);
            else if (node is JsonArray items) foreach (var item in items) Visit(item);
        }
    }

    /// <summary>Every field, at any depth, that the record (or the section it is in) does not have, so that all are reported at once.</summary>
    private static void UnknownFields(JsonObject json, JsonTypeInfo type, string path, string what, List<FieldError> unknown)
    {
        foreach (var (name, value) in json)
        {
            var property = type.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (property is null)
                unknown.Add(new FieldError(path + name, $"is not a field of a {what} (its fields are {string.Join(", ", type.Properties.Select(p => p.Name))})"));
            else if (value is JsonObject section && type.Options.GetTypeInfo(property.PropertyType) is { Kind: JsonTypeInfoKind.Object } inner)
                UnknownFields(section, inner, $"{path}{name}.", $"{what}'s '{path}{name}' section", unknown);
        }
    }

    public override void Write(Utf8JsonWriter writer, TBase value, JsonSerializerOptions options)
    {
        var kind = JobKinds.All.Single(k => typeOf(k) == value.GetType());
        var fields = JsonSerializer.SerializeToNode(value, value.GetType(), options)!.AsObject();
        writer.WriteStartObject();
        writer.WriteString("kind", kind.Name);
        foreach (var (name, field) in fields)
        {
            if (name == "kind") continue;
            writer.WritePropertyName(name);
            if (field is null) writer.WriteNullValue();
            else field.WriteTo(writer, options);
        }
        writer.WriteEndObject();
    }
}
