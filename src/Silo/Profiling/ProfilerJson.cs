using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoDesign.Silo.Profiling;

internal static class ProfilerJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
