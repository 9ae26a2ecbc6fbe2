using SkiaSharp;

namespace AutoDesign.Modeling.Data.ImageFolders;

/// <summary>
/// Decodes a JPEG or PNG with SkiaSharp, scales it so that its shorter side is the target size, crops the centre
/// square, and writes it as C x H x W bytes (one grey channel, or red, green, blue).
/// </summary>
public static class ImageDecoding
{
    /// <summary>The width, height and whether the image is grey, read from its header; null when it is not an image SkiaSharp reads.</summary>
    public static (int Width, int Height, bool Grey)? Probe(byte[] file)
    {
        using var codec = SKCodec.Create(new MemoryStream(file));
        if (codec is null) return null;
        return (codec.Info.Width, codec.Info.Height, codec.Info.ColorType == SKColorType.Gray8);
    }

    /// <summary>Writes the image into <paramref name="target"/> (C x size x size bytes); false when it cannot be decoded.</summary>
    public static bool TryDecode(byte[] file, int size, int channels, Span<byte> target)
    {
        using var codec = SKCodec.Create(new MemoryStream(file));
        if (codec is null || codec.Info.Width < 1 || codec.Info.Height < 1) return false;
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var decoded = SKBitmap.Decode(codec, info);
        if (decoded is null) return false;
        double scale = (double)size / Math.Min(info.Width, info.Height);
        int width = Math.Max(size, (int)Math.Round(info.Width * scale)), height = Math.Max(size, (int)Math.Round(info.Height * scale));
        using var scaled = width == info.Width && height == info.Height
            ? decoded.Copy()
            : decoded.Resize(info.WithSize(width, height), new SKSamplingOptions(SKCubicResampler.Mitchell));
        if (scaled is null) return false;
        int left = (width - size) / 2, top = (height - size) / 2, plane = size * size;
        var pixels = scaled.GetPixelSpan();
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int source = ((top + y) * width + left + x) * 4, at = y * size + x;
                byte r = pixels[source], g = pixels[source + 1], b = pixels[source + 2];
                if (channels == 1) target[at] = (byte)Math.Round(0.299 * r + 0.587 * g + 0.114 * b);
                else
                {
                    target[at] = r;
                    target[plane + at] = g;
                    target[2 * plane + at] = b;
                }
            }
        return true;
    }
}
