using System.Text.Json.Serialization;

namespace AutoDesign.Modeling.Specs;

/// <summary>
/// The shape of one input: an image, or, with a <see cref="Vocabulary"/>, a sequence of token ids (one channel, a
/// height of 1 and the context length as its width).
/// </summary>
public sealed record InputSpec(int Channels, int Height, int Width)
{
    /// <summary>Distinct token ids of a language model's input (0 to Vocabulary - 1); null for images.</summary>
    public int? Vocabulary { get; init; }

    /// <summary>A language model's input: <paramref name="context"/> token ids out of <paramref name="vocabulary"/>.</summary>
    public static InputSpec Tokens(int context, int vocabulary) => new(1, 1, context) { Vocabulary = vocabulary };

    [JsonIgnore]
    public bool IsTokens => Vocabulary is not null;

    [JsonIgnore]
    public TensorShape Shape => new(Channels, Height, Width);

    public override string ToString() => IsTokens ? $"{Width} tokens of {Vocabulary}" : $"{Channels}x{Height}x{Width}";
}
