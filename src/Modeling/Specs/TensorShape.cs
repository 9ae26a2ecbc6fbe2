namespace AutoDesign.Modeling.Specs;

/// <summary>Shape of one sample flowing between layers: a feature map (C, H, W) or a flat vector (H = W = 1, Flat).</summary>
public readonly record struct TensorShape(int Channels, int Height, int Width, bool Flat = false)
{
    public static TensorShape Vector(int features) => new(features, 1, 1, Flat: true);

    public long Elements => (long)Channels * Height * Width;

    public override string ToString() => Flat ? $"{Channels}" : $"{Channels}x{Height}x{Width}";
}
