using AutoDesign.Modeling.Data;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// An image set as tensors kept in bytes; batches are gathered, scaled to [0, 1], optionally augmented and
/// normalised with the training set's per-channel mean and standard deviation.
/// </summary>
public sealed class BatchSource : IDisposable
{
    private readonly Tensor _pixels, _labels, _mean, _std;

    public BatchSource(ImageSet images, float[] mean, float[] std)
    {
        var shape = images.Shape;
        _pixels = tensor(images.Pixels, [images.Count, shape.Channels, shape.Height, shape.Width], ScalarType.Byte);
        _labels = tensor(images.Labels, [images.Count], ScalarType.Byte).to_type(ScalarType.Int64);
        _mean = tensor(mean).reshape(1, shape.Channels, 1, 1);
        _std = tensor(std).reshape(1, shape.Channels, 1, 1);
        Count = images.Count;
    }

    public int Count { get; }

    /// <summary>The batch at <paramref name="indices"/>: (images N x C x H x W, float; labels N, int64).</summary>
    public (Tensor Images, Tensor Labels) Batch(Tensor indices, Augmentation? augmentation = null)
    {
        var images = _pixels.index_select(0, indices).to_type(ScalarType.Float32).div_(255f);
        if (augmentation is not null) images = augmentation.Apply(images);
        return (images.sub_(_mean).div_(_std), _labels.index_select(0, indices));
    }

    /// <summary>Images start .. start + count - 1, in order (for evaluation).</summary>
    public (Tensor Images, Tensor Labels) Range(long start, long count)
    {
        using var indices = arange(start, Math.Min(start + count, Count), ScalarType.Int64);
        return Batch(indices);
    }

    public void Dispose()
    {
        _pixels.Dispose();
        _labels.Dispose();
        _mean.Dispose();
        _std.Dispose();
    }
}
