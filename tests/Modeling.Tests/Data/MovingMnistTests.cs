using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Data.Video;

namespace AutoDesign.Modeling.Tests.Data;

/// <summary>Moving MNIST clips are fixed by (seed, index), follow the documented rule, bounce within the frame and take the larger pixel where digits overlap.</summary>
public class MovingMnistTests
{
    [Fact]
    public void The_same_seed_and_index_give_the_same_clip_and_other_ones_another()
    {
        var digits = TinyDigits.Make(30, 6);
        var clips = new MovingMnist(digits, 10, seed: 5, frameSize: 20);
        var again = new MovingMnist(digits, 10, seed: 5, frameSize: 20);

        Assert.Equal(clips.Clip(7), again.Clip(7));
        Assert.NotEqual(clips.Clip(7), clips.Clip(8));
        Assert.NotEqual(clips.Clip(7), new MovingMnist(digits, 10, seed: 6, frameSize: 20).Clip(7));
    }

    [Fact]
    public void Paths_follow_the_documented_draws_and_bounces()
    {
        const ulong seed = 11;
        const long index = 3;
        var clips = new MovingMnist(TinyDigits.Make(30, 6), 40, seed, frameSize: 20, digitsPerClip: 2, speed: 2.5);

        // The class comment's rule, written out again.
        var random = new SplitMix64(seed ^ unchecked((ulong)index * 0xD1B54A32D192ED03UL));
        double range = 20 - 6;
        foreach (var path in clips.Paths(index))
        {
            Assert.Equal(random.NextInt(30), path.Image);
            double x = random.NextDouble() * range, y = random.NextDouble() * range, a, b;
            do (a, b) = (2 * random.NextDouble() - 1, 2 * random.NextDouble() - 1); while (!(a * a + b * b is > 0 and <= 1));
            double vx = 2.5 * a / Math.Sqrt(a * a + b * b), vy = 2.5 * b / Math.Sqrt(a * a + b * b);
            foreach (var corner in path.Corners)
            {
                Assert.Equal(((int)Math.Round(y), (int)Math.Round(x)), corner);
                x += vx;
                y += vy;
                if (x < 0) (x, vx) = (-x, -vx);
                if (x > range) (x, vx) = (2 * range - x, -vx);
                if (y < 0) (y, vy) = (-y, -vy);
                if (y > range) (y, vy) = (2 * range - y, -vy);
            }
        }
    }

    [Fact]
    public void Digits_stay_within_the_frame_move_at_the_speed_and_bounce()
    {
        var clips = new MovingMnist(TinyDigits.Make(30, 6), 30, seed: 2, frameSize: 24);
        Assert.Equal(0.1 * 18, clips.Speed, 12);
        int reversals = 0;
        for (long index = 0; index < 40; index++)
            foreach (var path in clips.Paths(index))
            {
                var corners = path.Corners;
                Assert.All(corners, c => Assert.True(c.Row is >= 0 and <= 18 && c.Column is >= 0 and <= 18, $"corner {c} leaves the frame"));
                for (int f = 1; f < corners.Count; f++)
                {
                    // A step moves at most the speed along each axis (plus rounding), however it bounces.
                    Assert.InRange(Math.Abs(corners[f].Column - corners[f - 1].Column), 0, 3);
                    Assert.InRange(Math.Abs(corners[f].Row - corners[f - 1].Row), 0, 3);
                    if (f > 1 && Math.Sign(corners[f].Column - corners[f - 1].Column) * Math.Sign(corners[f - 1].Column - corners[f - 2].Column) < 0) reversals++;
                }
            }
        Assert.True(reversals > 10, $"only {reversals} bounces in 40 clips of 30 frames");
    }

    [Fact]
    public void Overlapping_digits_keep_the_larger_pixel()
    {
        var digits = TinyDigits.Make(12, 6);
        var clips = new MovingMnist(digits, 5, seed: 9, frameSize: 10, digitsPerClip: 3); // a small frame: the digits overlap
        for (long index = 0; index < 5; index++)
        {
            var clip = clips.Clip(index);
            var expected = new byte[clip.Length];
            foreach (var path in clips.Paths(index))
                for (int f = 0; f < 5; f++)
                    for (int row = 0; row < 6; row++)
                        for (int column = 0; column < 6; column++)
                        {
                            int at = f * 100 + (path.Corners[f].Row + row) * 10 + path.Corners[f].Column + column;
                            expected[at] = Math.Max(expected[at], digits.Pixels[path.Image * 36 + row * 6 + column]);
                        }
            Assert.Equal(expected, clip);
        }
    }

    [Fact]
    public void Training_and_test_clips_take_their_digits_from_mnist_training_and_test_images()
    {
        var folder = DataFolder.Default();
        var video = DatasetCatalog.LoadVideo("moving-mnist", folder);
        var mnist = DatasetCatalog.Load("mnist", folder);
        Assert.Equal(8, video.Context);
        Assert.Equal(64, video.Train.FrameSize);
        foreach (var (clips, images) in new[] { (video.Train, mnist.Train), (video.Validation, mnist.Validation), (video.Test, mnist.Test) })
        {
            var path = clips.Paths(0)[0];
            var clip = clips.Clip(0);
            int shown = 0;
            for (int row = 0; row < 28; row++)
                for (int column = 0; column < 28; column++)
                {
                    byte digit = images.Pixels[path.Image * 784 + row * 28 + column];
                    byte pixel = clip[(path.Corners[0].Row + row) * 64 + path.Corners[0].Column + column];
                    Assert.True(pixel >= digit, "a clip's pixel is at least its digit's");
                    if (digit > 0) shown++;
                }
            Assert.True(shown > 50);
        }
        Assert.Throws<DatasetException>(() => DatasetCatalog.Load("moving-mnist", folder));
        Assert.Throws<DatasetException>(() => DatasetCatalog.LoadVideo("mnist", folder));
    }

    [Fact]
    public void Bad_parameters_are_named()
    {
        var digits = TinyDigits.Make(4, 6);
        Assert.Equal("frames", Assert.Throws<ArgumentException>(() => new MovingMnist(digits, 0, 1, frameSize: 16)).ParamName);
        Assert.Equal("frameSize", Assert.Throws<ArgumentException>(() => new MovingMnist(digits, 3, 1, frameSize: 5)).ParamName);
        Assert.Equal("digitsPerClip", Assert.Throws<ArgumentException>(() => new MovingMnist(digits, 3, 1, frameSize: 16, digitsPerClip: 0)).ParamName);
        Assert.Equal("speed", Assert.Throws<ArgumentException>(() => new MovingMnist(digits, 3, 1, frameSize: 16, speed: 11)).ParamName);
        Assert.Equal("speed", Assert.Throws<ArgumentException>(() => new MovingMnist(digits, 3, 1, frameSize: 16, speed: double.NaN)).ParamName);
        Assert.Equal("digits", Assert.Throws<ArgumentException>(() => new MovingMnist(TinyDigits.Make(0, 6), 3, 1, frameSize: 16)).ParamName);
        var colour = new ImageSet(new AutoDesign.Modeling.Specs.InputSpec(3, 6, 6), 10, new byte[108], [0]);
        Assert.Equal("digits", Assert.Throws<ArgumentException>(() => new MovingMnist(colour, 3, 1, frameSize: 16)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MovingMnist(digits, 3, 1, frameSize: 16).Clip(-1));
    }
}
