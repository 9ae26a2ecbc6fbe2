using System.Text.Json.Serialization;

namespace AutoDesign.Modeling.Specs;

/// <summary>
/// The shape of one input: an image, or, with a <see cref="Vocabulary"/>, a sequence of token ids (one channel, a
/// height of 1 and the context length as its width), or, with a <see cref="Patch"/> size, a video clip in patch layout.
/// </summary>
public sealed record InputSpec(int Channels, int Height, int Width)
{
    /// <summary>Distinct token ids of a language model's input (0 to Vocabulary - 1); null for images.</summary>
    public int? Vocabulary { get; init; }

    /// <summary>A language model's input: <paramref name="context"/> token ids out of <paramref name="vocabulary"/>.</summary>
    public static InputSpec Tokens(int context, int vocabulary) => new(1, 1, context) { Vocabulary = vocabulary };

    [JsonIgnore]
    public bool IsTokens => Vocabulary is not null;

    /// <summary>
    /// A video clip's patch size P (null for images and tokens): Height frames, each of Width patches of P x P pixels
    /// read row by row, one channel per pixel of a patch (Channels = P²). Channel dy x P + dx at position
    /// (frame f, patch py x S/P + px) is pixel (py x P + dy, px x P + dx) of frame f, S the frame's side.
    /// </summary>
    public int? Patch { get; init; }

    /// <summary>A video clip of <paramref name="frames"/> square frames of <paramref name="frameSize"/> pixels in patches of <paramref name="patch"/>.</summary>
    public static InputSpec Video(int frames, int frameSize, int patch)
    {
        if (frames < 1) throw new ArgumentException($"a clip has at least one frame, got {frames}", nameof(frames));
        if (patch < 1) throw new ArgumentException($"a patch is at least one pixel, got {patch}", nameof(patch));
        if (frameSize < patch || frameSize % patch != 0)
            throw new ArgumentException($"patches of {patch} must tile frames of {frameSize}", nameof(frameSize));
        int side = frameSize / patch;
        return new InputSpec(patch * patch, frames, side * side) { Patch = patch };
    }

    [JsonIgnore]
    public bool IsVideo => Patch is not null;

    /// <summary>A video clip's frame side in pixels (0 for images and tokens).</summary>
    [JsonIgnore]
    public int FrameSize => Patch is { } p ? p * PatchesPerSide(Width) : 0;

    /// <summary>The side of a square of <paramref name="patches"/>, or -1 when it is not a square.</summary>
    internal static int PatchesPerSide(int patches)
    {
        int side = (int)Math.Round(Math.Sqrt(patches));
        return side * side == patches ? side : -1;
    }

    [JsonIgnore]
    public TensorShape Shape => new(Channels, Height, Width);

    public override string ToString() =>
        IsTokens ? $"{Width} tokens of {Vocabulary}"
        : IsVideo ? $"{Height} frames of {FrameSize}x{FrameSize} in {Patch}x{Patch} patches"
        : $"{Channels}x{Height}x{Width}";
}
