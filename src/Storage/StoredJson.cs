using System.Text.Json;

namespace AutoDesign.Storage;

/// <summary>How policies, metrics, specs and results are written into the database's JSON columns: the shared rules, compact.</summary>
public static class StoredJson
{
    public static string Write<T>(T value) => JsonSerializer.Serialize(value, AutoDesignJson.Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, AutoDesignJson.Options)!;
}
