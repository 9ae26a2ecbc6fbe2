using System.Text.Json.Serialization;

namespace AutoDesign.Search.Pruning;

/// <summary>How a keep ratio becomes a channel count the group may keep (see <see cref="ChannelGrid"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChannelRounding>))]
public enum ChannelRounding
{
    /// <summary>The nearest whole count, then up to the next allowed one (AMC: 0.99 of 32 channels keeps 32).</summary>
    [JsonStringEnumMemberName("up")] Up,

    /// <summary>The largest allowed count not above ratio x channels (0.99 of 32 channels keeps 24 with multiples of 8).</summary>
    [JsonStringEnumMemberName("down")] Down,
}
