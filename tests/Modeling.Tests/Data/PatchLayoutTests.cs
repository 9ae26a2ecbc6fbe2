using AutoDesign.Modeling.Data.Video;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Data;

public class PatchLayoutTests
{
    [Fact]
    public void A_patch_channel_holds_its_pixel_and_the_layout_inverts()
    {
        var frames = arange(2 * 3 * 8 * 8, dtype: ScalarType.Float32).reshape(2, 3, 8, 8);
        var patches = PatchLayout.ToPatches(frames, 4); // (2, 16, 3, 4)

        Assert.Equal(new long[] { 2, 16, 3, 4 }, patches.shape);
        // Channel dy x 4 + dx at (frame 2, patch 1 x 2 + 0) is pixel (1 x 4 + dy, 0 x 4 + dx) of frame 2.
        for (int dy = 0; dy < 4; dy++)
            for (int dx = 0; dx < 4; dx++)
                Assert.Equal(frames[1, 2, 4 + dy, dx].item<float>(), patches[1, dy * 4 + dx, 2, 2].item<float>());
        Assert.True(PatchLayout.FromPatches(patches, 4).equal(frames).all().item<bool>());
        Assert.Equal("frames", Assert.Throws<ArgumentException>(() => PatchLayout.ToPatches(frames, 3)).ParamName);
    }
}
