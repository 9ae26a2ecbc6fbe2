using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// Random translation (a crop of the image padded with <see cref="Padding"/> black pixels per side) and, for data
/// sets whose mirror images are valid, a horizontal flip of half the batch. Offsets come from a seeded generator.
/// </summary>
public sealed class Augmentation(int padding, bool flip, SplitMix64 random)
{
    public int Padding { get; } = padding;

    public Tensor Apply(Tensor images)
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
