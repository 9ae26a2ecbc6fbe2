using AutoDesign.Modeling.Data.Video;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>Next-frame prediction's batches: a clip's frames but the last are the input, the last frame is the target, both in patch layout.</summary>
public static class NextFrameBatches
{
    /// <summary>Clips <paramref name="indices"/> as inputs (B, P², frames - 1, N) and targets (B, P², 1, N), pixels in [0, 1].</summary>
    public static (Tensor Inputs, Tensor Targets) Batch(MovingMnist clips, IReadOnlyList<long> indices, int patch)
    {
        if (clips.Frames < 2) throw new ArgumentException($"next-frame prediction needs clips of at least 2 frames, got {clips.Frames}", nameof(clips));
        using var frames = clips.Batch(indices);
        var patches = PatchLayout.ToPatches(frames, patch);
        int context = clips.Frames - 1;
        return (patches.narrow(2, 0, context).contiguous(), patches.narrow(2, context, 1).contiguous());
    }

    /// <summary>Clip indices <paramref name="start"/> to start + count - 1.</summary>
    public static long[] Range(long start, int count) => [.. Enumerable.Range(0, count).Select(i => start + i)];
}
