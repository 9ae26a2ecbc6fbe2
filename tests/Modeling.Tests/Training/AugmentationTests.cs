using AutoDesign.Modeling.Training;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Training;

public class AugmentationTests
{
    [Fact]
    public void Resized_crops_zoom_into_the_image_and_are_reproducible_from_the_seed()
    {
        using var scope = NewDisposeScope();
        // Each image is a horizontal ramp 0..1: a crop keeps its ordering but stretches part of it over the full width.
        var ramp = linspace(0, 1, 32).reshape(1, 1, 1, 32).expand(64, 3, 32, 32).contiguous();

        var first = new Augmentation(4, flip: false, new SplitMix64(5), resizedCrops: true).Apply(ramp);
        var again = new Augmentation(4, flip: false, new SplitMix64(5), resizedCrops: true).Apply(ramp);

        Assert.Equal(ramp.shape, first.shape);
        Assert.Equal(0f, (first - again).abs().max().item<float>());
        var span = first[.., 0, 16, ^1] - first[.., 0, 16, 0]; // how much of the ramp each crop still spans
        Assert.True(span.max().item<float>() <= 1.0001f);
        Assert.True(span.min().item<float>() > 0.4f); // at least sqrt(0.35 x 3/4) of the width, never mirrored
        Assert.True(span.mean().item<float>() < 0.95f); // most crops zoom in
        Assert.True((first[.., 0, .., 1..] - first[.., 0, .., ..^1]).min().item<float>() >= -1e-6f); // still increasing
    }

    [Fact]
    public void With_flips_about_half_the_crops_are_mirrored()
    {
        using var scope = NewDisposeScope();
        var ramp = linspace(0, 1, 16).reshape(1, 1, 1, 16).expand(200, 1, 16, 16).contiguous();

        var crops = new Augmentation(2, flip: true, new SplitMix64(9), resizedCrops: true).Apply(ramp);

        long mirrored = (crops[.., 0, 8, ^1] < crops[.., 0, 8, 0]).sum().item<long>();
        Assert.InRange(mirrored, 70, 130);
    }
}
