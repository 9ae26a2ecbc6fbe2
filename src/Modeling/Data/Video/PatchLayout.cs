using static TorchSharp.torch;

namespace AutoDesign.Modeling.Data.Video;

/// <summary>
/// Frames to and from the patch layout a video model reads (<see cref="Specs.InputSpec.Patch"/>): a map with one
/// channel per pixel of a P x P patch, one row per frame and one column per patch, so that its positions are frame by
/// frame as spatial and temporal attention heads expect them.
/// </summary>
public static class PatchLayout
{
    /// <summary>Frames (B, F, S, S) to (B, P², F, (S/P)²): channel dy x P + dx at (f, py x S/P + px) is pixel (py x P + dy, px x P + dx) of frame f.</summary>
    public static Tensor ToPatches(Tensor frames, int patch)
    {
        long batch = frames.shape[0], count = frames.shape[1], side = frames.shape[2], across = side / patch;
        if (frames.dim() != 4 || frames.shape[3] != side || side % patch != 0)
            throw new ArgumentException($"expected (B, F, S, S) frames tiled by patches of {patch}, got ({string.Join(", ", frames.shape)})", nameof(frames));
        return frames.reshape(batch, count, across, patch, across, patch)
            .permute(0, 3, 5, 1, 2, 4) // (B, dy, dx, F, py, px)
            .reshape(batch, patch * patch, count, across * across);
    }

    /// <summary>The inverse of <see cref="ToPatches"/>: (B, P², F, N) to frames (B, F, S, S).</summary>
    public static Tensor FromPatches(Tensor patches, int patch)
    {
        long batch = patches.shape[0], count = patches.shape[2], across = (long)Math.Round(Math.Sqrt(patches.shape[3]));
        if (patches.dim() != 4 || patches.shape[1] != patch * patch || across * across != patches.shape[3])
            throw new ArgumentException($"expected ({patch * patch} pixels of a patch, frames, a square number of patches), got ({string.Join(", ", patches.shape)})", nameof(patches));
        return patches.reshape(batch, patch, patch, count, across, across)
            .permute(0, 3, 4, 1, 5, 2) // (B, F, py, dy, px, dx)
            .reshape(batch, count, across * patch, across * patch);
    }
}
