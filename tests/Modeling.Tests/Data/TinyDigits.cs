using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Data.Video;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Tests.Data;

/// <summary>Small stand-ins for MNIST digits whose every pixel is nonzero and tells image and place apart, and a tiny video set made of them.</summary>
internal static class TinyDigits
{
    public static ImageSet Make(int count, int size, int offset = 0)
    {
        var pixels = new byte[count * size * size];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(1 + (i + offset * 37) % 250);
        return new ImageSet(new InputSpec(1, size, size), 10, pixels, new byte[count]);
    }

    /// <summary>Clips of 4 frames of 16x16 with two 6x6 digits; a model reads 3 frames in patches of 4.</summary>
    public static VideoSet Video()
    {
        MovingMnist Clips(int offset, ulong seed) => new(Make(20, 6, offset), 4, seed, frameSize: 16);
        var info = new DatasetInfo("tiny-video", InputSpec.Video(3, 16, 4), 16, Flippable: false, "test");
        return new VideoSet(info, Clips(0, 1), Clips(1, 2), Clips(2, 3), 8, 8, "test clips");
    }
}
