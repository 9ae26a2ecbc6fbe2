using System.Text.Json.Serialization;

namespace AutoDesign.Modeling.Specs;

/// <summary>The shape of one input image.</summary>
public sealed record InputSpec(int Channels, int Height, int Width)
{
    [JsonIgnore]
    public TensorShape Shape => new(Channels, Height, Width);

    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
