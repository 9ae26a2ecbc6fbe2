using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoDesign.Modeling.Specs;

/// <summary>The JSON form of a <see cref="ModelSpec"/>: camelCase, unknown fields rejected, defaults left out.</summary>
public static class ModelSpecJson
{
    /// <summary>The shared rules for documents from outside, with fields at their defaults left out of the files written.</summary>
    public static readonly JsonSerializerOptions Options = new(AutoDesignJson.Strict) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault };

    private static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    public static string Serialize(ModelSpec spec, bool indented = true) =>
        JsonSerializer.Serialize(spec, indented ? Options : Compact);

    /// <summary>Parses and validates a spec; malformed JSON and invalid networks both give a <see cref="ModelSpecException"/>.</summary>
    public static ModelSpec Deserialize(string json)
    {
        ModelSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<ModelSpec>(json, Options);
        }
        catch (JsonException e)
        {
            throw new ModelSpecException(e.Path is null or "$" ? "spec" : e.Path.TrimStart('$', '.'), e.Message);
        }
        if (spec is null) throw new ModelSpecException("spec", "the document is empty (null)");
        spec.Analyze();
        return spec;
    }

    /// <summary>A spec from a file a user named (through <see cref="Inputs.InputFiles"/>); a parse error says where, never what the file holds.</summary>
    public static ModelSpec FromFile(string text, string name)
    {
        ModelSpec? spec;
        try { spec = JsonSerializer.Deserialize<ModelSpec>(text, Options); }
        catch (JsonException e) { throw new ModelSpecException("spec", $"'{name}' {Inputs.ParseErrors.Describe(e, Inputs.InputFormat.ModelSpec)}"); }
        if (spec is null) throw new ModelSpecException("spec", $"'{name}' is empty (null)");
        try { spec.Analyze(); }
        catch (ModelSpecException e) { throw new ModelSpecException(e.Field, $"{e.Reason} (in '{name}')"); }
        return spec;
    }

    public static ModelSpec Load(string path)
    {
        try
        {
            return Deserialize(File.ReadAllText(path));
        }
        catch (ModelSpecException e)
        {
            throw new ModelSpecException(e.Field, $"{e.Reason} (in {path})");
        }
    }

    public static void Save(ModelSpec spec, string path) => File.WriteAllText(path, Serialize(spec));
}
