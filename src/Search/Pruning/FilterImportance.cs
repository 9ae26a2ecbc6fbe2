using System.Text.Json.Serialization;

namespace AutoDesign.Search.Pruning;

/// <summary>How a channel's importance is measured when a group keeps only some of its channels.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FilterImportance>))]
public enum FilterImportance
{
    /// <summary>The L1 norm of the filters that produce the channel, summed over tied producers.</summary>
    [JsonStringEnumMemberName("l1")] L1,

    /// <summary>The L2 norm of the filters that produce the channel, summed over tied producers.</summary>
    [JsonStringEnumMemberName("l2")] L2,

    /// <summary>How much the layers that read the channel use it: the L1 norm of their input weights for it (AMC's ranking).</summary>
    [JsonStringEnumMemberName("next-layer")] NextLayer,
}
