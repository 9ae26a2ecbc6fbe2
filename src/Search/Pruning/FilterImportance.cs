using System.Text.Json.Serialization;

namespace AutoDesign.Search.Pruning;

/// <summary>How a channel's importance is measured: the norm of the filters that produce it, summed over tied producers.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FilterImportance>))]
public enum FilterImportance
{
    [JsonStringEnumMemberName("l1")] L1,
    [JsonStringEnumMemberName("l2")] L2,
}
