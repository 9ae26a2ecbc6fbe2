using System.Globalization;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>The precisions of a linear layer's weights and activations, as the serving kernels pair them.</summary>
public enum FormatKind
{
    Fp32,
    Fp16,
    W8A8,
    W4A16,
    W4A8,
    W4A4,
}

/// <summary>What is done to a layer before its weights are rounded.</summary>
public enum FormatMethod
{
    /// <summary>Round to nearest.</summary>
    None,
    /// <summary>SmoothQuant's activation-to-weight scale migration.</summary>
    Smooth,
    /// <summary>AWQ's activation-aware scale search (weight-only formats).</summary>
    Awq,
    /// <summary>SVDQuant: smoothing, then a 16-bit low-rank branch beside the 4-bit residual.</summary>
    Svd,
}

/// <summary>
/// One linear layer's deployed format, written as a name: <c>fp32</c>, <c>fp16</c>, <c>w8a8</c>, <c>w8a8-smooth</c>,
/// <c>w4a16-g128</c>, <c>w4a16-awq-g64</c>, <c>w4a8</c> (QServe's progressive W4A8, per channel), <c>w4a8-g128</c>,
/// <c>w4a8-smooth-g128</c>, <c>w4a4-g64</c>, <c>w4a4-smooth-g64</c>, <c>w4a4-svd-r32-g64</c>. A group (g) is a run
/// of input channels sharing one scale; 0 is one scale per output channel.
/// </summary>
public sealed record ProjectionFormat(FormatKind Kind, FormatMethod Method = FormatMethod.None, int GroupSize = 0, int Rank = 0)
{
    public static readonly ProjectionFormat Fp32 = new(FormatKind.Fp32);

    public static readonly IReadOnlyList<int> GroupSizes = [32, 64, 128];

    public int WeightBits => Kind switch { FormatKind.Fp32 => 32, FormatKind.Fp16 => 16, FormatKind.W8A8 => 8, _ => 4 };

    public int ActivationBits => Kind switch { FormatKind.Fp32 => 32, FormatKind.Fp16 or FormatKind.W4A16 => 16, FormatKind.W4A4 => 4, _ => 8 };

    public bool IsQuantized => Kind is not (FormatKind.Fp32 or FormatKind.Fp16);

    public string Name
    {
        get
        {
            var parts = new List<string> { Kind.ToString().ToLowerInvariant() };
            if (Method != FormatMethod.None) parts.Add(Method.ToString().ToLowerInvariant());
            if (Method == FormatMethod.Svd) parts.Add($"r{Rank}");
            if (GroupSize > 0) parts.Add($"g{GroupSize}");
            return string.Join('-', parts);
        }
    }

    public override string ToString() => Name;

    /// <summary>Reads a format's name; a name that is not one is a <see cref="FormatException"/> saying why.</summary>
    public static ProjectionFormat Parse(string name)
    {
        var parts = name.Trim().ToLowerInvariant().Split('-');
        if (!Enum.TryParse<FormatKind>(parts[0], ignoreCase: true, out var kind) || int.TryParse(parts[0], out _))
            throw new FormatException($"'{Shorten(name)}' does not start with a format: fp32, fp16, w8a8, w4a16, w4a8 or w4a4");
        var method = FormatMethod.None;
        int group = 0, rank = 0;
        foreach (var part in parts.Skip(1))
        {
            if (Number(part, 'g') is { } g) group = g;
            else if (Number(part, 'r') is { } r) rank = r;
            else if (part is "smooth" or "awq" or "svd" && method == FormatMethod.None) method = Enum.Parse<FormatMethod>(part, ignoreCase: true);
            else throw new FormatException($"'{Shorten(name)}': '{Shorten(part)}' is not a method (smooth, awq, svd), a group (g64) or a rank (r32)");
        }
        var format = new ProjectionFormat(kind, method, group, rank);
        format.Validate();
        return format;
    }

    /// <summary>Throws a <see cref="FormatException"/> if the combination is not one a kernel serves.</summary>
    public void Validate()
    {
        bool allowed = (Kind, Method) switch
        {
            (FormatKind.Fp32 or FormatKind.Fp16, FormatMethod.None) => GroupSize == 0,
            (FormatKind.W8A8, FormatMethod.None or FormatMethod.Smooth) => GroupSize == 0,
            (FormatKind.W4A16, FormatMethod.None or FormatMethod.Awq) => GroupSize > 0,
            (FormatKind.W4A8, FormatMethod.None or FormatMethod.Smooth) => true,
            (FormatKind.W4A4, FormatMethod.None or FormatMethod.Smooth or FormatMethod.Svd) => GroupSize > 0,
            _ => false,
        };
        if (!allowed)
            throw new FormatException($"{Name} is not a served format: fp32/fp16 and w8a8 take no group; w4a16 (round to nearest or awq) and w4a4 (plain, smooth or svd) need one; w4a8 takes smooth and an optional group");
        if (GroupSize != 0 && !GroupSizes.Contains(GroupSize))
            throw new FormatException($"{Name}: the group size must be 32, 64 or 128");
        if ((Method == FormatMethod.Svd) != (Rank > 0))
            throw new FormatException($"{Name}: a rank (r8, r32) goes with svd, and svd needs one");
    }

    /// <summary>Why this format cannot serve a layer of this shape, or null when it can.</summary>
    public string? Misfit(long outChannels, long inChannels)
    {
        if (GroupSize > 0 && inChannels % GroupSize != 0)
            return $"{Name}: a group of {GroupSize} does not divide the layer's {inChannels} input channels";
        if (Rank > Math.Min(outChannels, inChannels))
            return $"{Name}: rank {Rank} is above the layer's size ({outChannels} x {inChannels})";
        return null;
    }

    /// <summary>
    /// The bytes a layer of this shape stores: its codes, and the scales and zero points beside them (FP16 scales,
    /// 4-bit zero points; QServe's W4A8 keeps an FP16 scale per output channel and 8-bit group scales), plus the
    /// low-rank branch in FP16 and the FP16 bias.
    /// </summary>
    public long WeightBytes(long outChannels, long inChannels)
    {
        long weights = outChannels * inChannels;
        long groups = GroupSize > 0 ? outChannels * (inChannels / GroupSize) : 0;
        double bytes = Kind switch
        {
            FormatKind.Fp32 => 4.0 * weights,
            FormatKind.Fp16 => 2.0 * weights,
            FormatKind.W8A8 => weights + 2.0 * outChannels,
            FormatKind.W4A16 => weights / 2.0 + groups * (2 + 0.5),
            FormatKind.W4A8 => weights / 2.0 + 2.0 * outChannels + groups * (1 + 0.5),
            _ => weights / 2.0 + groups * 2.0 + 2.0 * Rank * (outChannels + inChannels),
        };
        long bias = (Kind == FormatKind.Fp32 ? 4 : 2) * outChannels;
        return (long)Math.Ceiling(bytes) + bias;
    }

    private static int? Number(string part, char prefix) =>
        part.Length > 1 && part[0] == prefix && int.TryParse(part.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : null;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
