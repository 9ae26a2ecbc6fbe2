using static TorchSharp.torch;

namespace AutoDesign.Modeling.Data.Video;

/// <summary>
/// Moving MNIST (Srivastava, Mansimov and Salakhutdinov 2015, "Unsupervised Learning of Video Representations using
/// LSTMs"), made here from digit images so that a clip is fixed by (seed, index) on every machine:
/// <list type="bullet">
/// <item>A clip is <see cref="Frames"/> square frames of <see cref="FrameSize"/> pixels (64 by default), bytes 0..255
/// on a black background, over which <see cref="Digits"/> digits (2 by default) of the source's D x D images (MNIST's
/// 28 x 28) move. R = FrameSize - D is the range of a digit's top-left corner on each axis.</item>
/// <item>Clip <c>index</c> draws from its own generator, <c>SplitMix64(seed XOR (index x 0xD1B54A32D192ED03))</c>
/// (the product wraps around at 2^64), digit by digit, each digit in this order: its image, <c>NextInt(count)</c> of
/// the source's images; its first corner, x (column) then y (row), each <c>NextDouble() x R</c>; its direction, a point
/// (a, b) = (2 NextDouble() - 1, 2 NextDouble() - 1) drawn again until 0 &lt; a² + b² &lt;= 1 (uniform on the disc, so
/// the direction is uniform on the circle). Its velocity is speed x (a, b) / sqrt(a² + b²): every digit moves at the
/// same constant speed, <see cref="Speed"/> pixels a frame, by default 0.1 R (Srivastava's step of a tenth of the
/// range: 3.6 at 64).</item>
/// <item>The first frame shows the first corners. Between frames each coordinate moves by its velocity and bounces off
/// the edges: one below 0 becomes its negative, one above R becomes 2R minus it, and that velocity component changes
/// sign (the speed is at most R, so one reflection suffices and corners stay within [0, R]).</item>
/// <item>In each frame a digit is drawn with its top-left corner at its coordinates rounded to the nearest integer
/// (halves to even); where digits overlap, a pixel takes the larger value (Srivastava's max).</item>
/// </list>
/// Only correctly rounded IEEE-754 operations (+, -, x, /, sqrt) make a position, so clips agree bit for bit across
/// machines. Training clips take their digits from MNIST's training images, test clips from its test images
/// (<see cref="MovingMnistSource"/>).
/// </summary>
public sealed class MovingMnist
{
    /// <summary>The default speed as a share of the range R (Srivastava's step length).</summary>
    public const double DefaultStep = 0.1;

    private const ulong IndexMultiplier = 0xD1B54A32D192ED03UL;
    private readonly ImageSet _digits;

    /// <param name="digits">Square one-channel digit images (MNIST's 28 x 28), each a possible digit of a clip.</param>
    /// <param name="speed">Pixels a frame, from 0 to R = frameSize - digit size; null: 0.1 R.</param>
    public MovingMnist(ImageSet digits, int frames, ulong seed, int frameSize = 64, int digitsPerClip = 2, double? speed = null)
    {
        ArgumentNullException.ThrowIfNull(digits);
        if (digits.Count == 0) throw new ArgumentException("there are no digit images to draw from", nameof(digits));
        if (digits.Shape.Channels != 1 || digits.Shape.Height != digits.Shape.Width)
            throw new ArgumentException($"digits must be square one-channel images, got {digits.Shape}", nameof(digits));
        if (frames < 1) throw new ArgumentException($"a clip has at least one frame, got {frames}", nameof(frames));
        if (frameSize < digits.Shape.Height || frameSize > 1024)
            throw new ArgumentException($"frames must be between the digits' {digits.Shape.Height} and 1024 pixels wide, got {frameSize}", nameof(frameSize));
        if (digitsPerClip is < 1 or > 16) throw new ArgumentException($"a clip shows 1 to 16 digits, got {digitsPerClip}", nameof(digitsPerClip));
        double range = frameSize - digits.Shape.Height, pixels = speed ?? DefaultStep * range;
        if (!(pixels >= 0 && pixels <= range))
            throw new ArgumentException($"the speed must be between 0 and the {range} pixels a digit can travel, got {pixels}", nameof(speed));
        _digits = digits;
        Frames = frames;
        Seed = seed;
        FrameSize = frameSize;
        Digits = digitsPerClip;
        Speed = pixels;
    }

    public int Frames { get; }

    public ulong Seed { get; }

    public int FrameSize { get; }

    public int Digits { get; }

    /// <summary>Pixels a digit moves each frame.</summary>
    public double Speed { get; }

    public int DigitSize => _digits.Shape.Height;

    /// <summary>Bytes of one clip: frames x side x side, frame by frame, row by row.</summary>
    public int ClipSize => Frames * FrameSize * FrameSize;

    /// <summary>How each digit of clip <paramref name="index"/> moves: its image and its top-left corner in every frame.</summary>
    public IReadOnlyList<DigitPath> Paths(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var random = new SplitMix64(Seed ^ unchecked((ulong)index * IndexMultiplier));
        double range = FrameSize - DigitSize;
        var paths = new List<DigitPath>(Digits);
        for (int d = 0; d < Digits; d++)
        {
            int image = random.NextInt(_digits.Count);
            double x = random.NextDouble() * range, y = random.NextDouble() * range;
            double a, b, square;
            do
            {
                a = 2 * random.NextDouble() - 1;
                b = 2 * random.NextDouble() - 1;
                square = a * a + b * b;
            } while (!(square > 0 && square <= 1));
            double norm = Math.Sqrt(square), vx = Speed * a / norm, vy = Speed * b / norm;
            var corners = new (int Row, int Column)[Frames];
            for (int f = 0; f < Frames; f++)
            {
                corners[f] = ((int)Math.Round(y), (int)Math.Round(x));
                (x, vx) = Bounce(x + vx, vx, range);
                (y, vy) = Bounce(y + vy, vy, range);
            }
            paths.Add(new DigitPath(image, corners));
        }
        return paths;
    }

    /// <summary>Clip <paramref name="index"/> as bytes (<see cref="ClipSize"/>).</summary>
    public byte[] Clip(long index)
    {
        var clip = new byte[ClipSize];
        Render(index, clip);
        return clip;
    }

    /// <summary>Draws clip <paramref name="index"/> into <paramref name="clip"/> (<see cref="ClipSize"/> bytes).</summary>
    public void Render(long index, Span<byte> clip)
    {
        if (clip.Length != ClipSize) throw new ArgumentException($"a clip takes {ClipSize} bytes, got {clip.Length}", nameof(clip));
        clip.Clear();
        int side = FrameSize, size = DigitSize, plane = side * side;
        foreach (var path in Paths(index))
        {
            var digit = _digits.Pixels.AsSpan(path.Image * size * size, size * size);
            for (int f = 0; f < Frames; f++)
            {
                var (top, left) = path.Corners[f];
                for (int row = 0; row < size; row++)
                {
                    var line = clip.Slice(f * plane + (top + row) * side + left, size);
                    var source = digit.Slice(row * size, size);
                    for (int column = 0; column < size; column++)
                        line[column] = Math.Max(line[column], source[column]);
                }
            }
        }
    }

    /// <summary>Clips <paramref name="indices"/> as (B, frames, side, side) floats in [0, 1].</summary>
    public Tensor Batch(IReadOnlyList<long> indices)
    {
        var bytes = new byte[(long)indices.Count * ClipSize];
        for (int i = 0; i < indices.Count; i++) Render(indices[i], bytes.AsSpan(i * ClipSize, ClipSize));
        using var raw = tensor(bytes, [indices.Count, Frames, FrameSize, FrameSize]);
        return raw.to_type(ScalarType.Float32).div_(255);
    }

    private static (double Position, double Velocity) Bounce(double position, double velocity, double range) =>
        position < 0 ? (-position, -velocity) : position > range ? (2 * range - position, -velocity) : (position, velocity);
}

/// <summary>One digit of a clip: which image it shows and its top-left corner (row, column) in each frame.</summary>
public sealed record DigitPath(int Image, IReadOnlyList<(int Row, int Column)> Corners);
