using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// Random translation (a crop of the image padded with <see cref="Padding"/> black pixels per side) or, for photos
/// (<paramref name="resizedCrops"/>), a random resized crop; and, for data sets whose mirror images are valid, a
/// horizontal flip of half the batch. Offsets, scales and flips come from a seeded generator.
/// </summary>
public sealed class Augmentation(int padding, bool flip, SplitMix64 random, bool resizedCrops = false)
{
    /// <summary>The smallest share of the image's area a resized crop keeps (torchvision's 0.08 is meant for 224-pixel ImageNet images).</summary>
    public const double MinimumCropArea = 0.35;

    public int Padding { get; } = padding;

    public Tensor Apply(Tensor images) => resizedCrops ? ResizedCrops(images) : Translated(images);

    // A crop of random area (MinimumCropArea..1) and aspect ratio (3/4..4/3, log-uniform), scaled back to full size
    // with bilinear sampling: one affine map per image, in the [-1, 1] coordinates of affine_grid.
    private Tensor ResizedCrops(Tensor images)
    {
        long n = images.shape[0];
        var theta = new float[n * 6];
        for (int i = 0; i < n; i++)
        {
            double area = MinimumCropArea + (1 - MinimumCropArea) * random.NextDouble();
            double aspect = Math.Exp(Math.Log(3.0 / 4) + (Math.Log(4.0 / 3) - Math.Log(3.0 / 4)) * random.NextDouble());
            double width = Math.Min(1, Math.Sqrt(area * aspect)), height = Math.Min(1, Math.Sqrt(area / aspect));
            double centreX = (1 - width) * (2 * random.NextDouble() - 1), centreY = (1 - height) * (2 * random.NextDouble() - 1);
            bool mirror = flip && random.NextInt(2) == 1;
            theta[i * 6] = (float)(mirror ? -width : width);
            theta[i * 6 + 2] = (float)centreX;
            theta[i * 6 + 4] = (float)height;
            theta[i * 6 + 5] = (float)centreY;
        }
        var grid = nn.functional.affine_grid(tensor(theta).reshape(n, 2, 3).to(images.device), [.. images.shape], align_corners: false);
        return nn.functional.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);
    }

    private Tensor Translated(Tensor images)
    {
        long n = images.shape[0], channels = images.shape[1], height = images.shape[2], width = images.shape[3];
        var shiftY = new long[n];
        var shiftX = new long[n];
        var mirror = new bool[n];
        for (int i = 0; i < n; i++)
        {
            shiftY[i] = random.NextInt(2 * Padding + 1);
            shiftX[i] = random.NextInt(2 * Padding + 1);
            mirror[i] = flip && random.NextInt(2) == 1;
        }

        var padded = nn.functional.pad(images, [Padding, Padding, Padding, Padding]);
        var rows = (tensor(shiftY).unsqueeze(1) + arange(height)).reshape(n, 1, height, 1).expand(n, channels, height, width + 2 * Padding);
        var cropped = padded.gather(2, rows);
        var cols = (tensor(shiftX).unsqueeze(1) + arange(width)).reshape(n, 1, 1, width).expand(n, channels, height, width);
        cropped = cropped.gather(3, cols);
        if (!flip) return cropped;
        var mask = tensor(mirror).reshape(n, 1, 1, 1);
        return where(mask, cropped.flip(3), cropped);
    }

    /// <summary>The largest shift for images of this size: 3 pixels for 28x28, 4 for 32x32.</summary>
    public static int PaddingFor(int size) => Math.Max(1, size / 8);
}
