using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// Windows of a token stream for a language model of context T: the input is tokens [s, s + T) and the targets
/// are tokens [s + 1, s + T + 1), each position predicting the next token.
/// </summary>
public static class TokenWindows
{
    /// <summary>Inputs (B, 1, 1, T) and targets (B, 1, T), int64, for windows starting at <paramref name="starts"/>.</summary>
    public static (Tensor Inputs, Tensor Targets) Batch(byte[] stream, int context, IReadOnlyList<long> starts)
    {
        var inputs = new long[starts.Count * context];
        var targets = new long[starts.Count * context];
        for (int b = 0; b < starts.Count; b++)
            for (int t = 0; t < context; t++)
            {
                inputs[b * context + t] = stream[starts[b] + t];
                targets[b * context + t] = stream[starts[b] + t + 1];
            }
        return (tensor(inputs).reshape(starts.Count, 1, 1, context), tensor(targets).reshape(starts.Count, 1, context));
    }

    /// <summary>Where the windows of one training step start: uniform over the stream, from a seeded generator.</summary>
    public static long[] RandomStarts(byte[] stream, int context, int count, SplitMix64 random)
    {
        long span = stream.LongLength - context - 1;
        if (span < 1) throw new ArgumentException($"a stream of {stream.LongLength} tokens holds no window of {context} and its next token");
        return [.. Enumerable.Range(0, count).Select(_ => (long)(random.NextDouble() * span))];
    }

    /// <summary>Non-overlapping windows covering the stream (the last partial one left out): where held-out text is scored.</summary>
    public static long[] Tiling(byte[] stream, int context) =>
        [.. Enumerable.Range(0, (int)((stream.LongLength - 1) / context)).Select(w => (long)w * context)];

    /// <summary>
    /// Up to <paramref name="count"/> windows of the <see cref="Tiling"/>, evenly spaced over the stream: a bounded sample
    /// of held-out text that reaches all of it, not only its beginning.
    /// </summary>
    public static long[] Spread(byte[] stream, int context, int count)
    {
        var tiling = Tiling(stream, context);
        if (tiling.Length <= count) return tiling;
        return [.. Enumerable.Range(0, count).Select(i => tiling[(long)i * tiling.Length / count])];
    }
}
