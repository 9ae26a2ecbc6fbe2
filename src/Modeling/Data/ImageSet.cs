using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Data;

/// <summary>Labelled images held as bytes (N x C x H x W, 0..255) so that a whole data set stays small in memory.</summary>
public sealed class ImageSet
{
    public ImageSet(InputSpec shape, int classes, byte[] pixels, byte[] labels)
    {
        long perImage = (long)shape.Channels * shape.Height * shape.Width;
        if (pixels.LongLength != perImage * labels.Length)
            throw new ArgumentException($"{pixels.LongLength} pixel bytes do not hold {labels.Length} images of {shape}");
        foreach (var label in labels)
            if (label >= classes) throw new ArgumentException($"label {label} is outside 0..{classes - 1}");
        Shape = shape;
        Classes = classes;
        Pixels = pixels;
        Labels = labels;
    }

    public InputSpec Shape { get; }

    public int Classes { get; }

    public byte[] Pixels { get; }

    public byte[] Labels { get; }

    public int Count => Labels.Length;

    public int ImageSize => Shape.Channels * Shape.Height * Shape.Width;

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public ImageSet Subset(IReadOnlyList<int> indices)
    {
        int size = ImageSize;
        var pixels = new byte[(long)indices.Count * size];
        var labels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Array.Copy(Pixels, (long)indices[i] * size, pixels, (long)i * size, size);
            labels[i] = Labels[indices[i]];
        }
        return new ImageSet(Shape, Classes, pixels, labels);
    }

    public ImageSet Take(int count) => Subset(Enumerable.Range(0, Math.Min(count, Count)).ToArray());

    /// <summary>
    /// <paramref name="count"/> images chosen by a seeded permutation (in permutation order). Use it, not
    /// <see cref="Take"/>, for subsets: a split may be ordered by class (Fashion-MNIST's is).
    /// </summary>
    public ImageSet Sample(int count, ulong seed = DatasetSplits.Seed) =>
        count >= Count ? this : Subset(new SplitMix64(seed).Permutation(Count)[..count]);

    public int[] CountPerClass()
    {
        var counts = new int[Classes];
        foreach (var label in Labels) counts[label]++;
        return counts;
    }
}
