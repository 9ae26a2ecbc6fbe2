using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AutoDesign.Modeling.Sparsity;

/// <summary>
/// Attention of heads that share one <see cref="HeadPattern"/>, computing only what the pattern reads: streaming heads
/// gather, per block of queries, the keys some query of the block reads (<see cref="KeyGather"/>), block-sparse heads
/// compute only the (query block, key block) pairs the mask names (<see cref="BlockPairs"/>), so the work falls with
/// the blocks skipped; spatial heads attend frame by frame, temporal heads after reordering the positions place by
/// place, which makes each place's frames contiguous. Page selection is computed as every position would be decoded
/// (<see cref="PageSelection.EveryPosition"/>).
/// </summary>
public static class SparseAttention
{
    /// <param name="q">Queries (B, heads, P, size), P = <paramref name="frames"/> x <paramref name="perFrame"/>, frame by frame; keys and values alike.</param>
    public static Tensor Attend(HeadPattern pattern, Tensor q, Tensor k, Tensor v, int frames, int perFrame, bool causal)
    {
        switch (pattern)
        {
            case DensePattern:
                return F.scaled_dot_product_attention(q, k, v, is_casual: causal);
            case SpatialPattern:
                return Within(q, k, v, frames, perFrame);
            case TemporalPattern:
            {
                // (B, h, frames, places, size) -> (B, h, places, frames, size): a place's frames contiguous.
                Tensor ByPlace(Tensor x) => x.reshape(x.shape[0], x.shape[1], frames, perFrame, x.shape[3]).transpose(2, 3);
                var mixed = Within(ByPlace(q).reshape(q.shape), ByPlace(k).reshape(k.shape), ByPlace(v).reshape(v.shape), perFrame, frames);
                return mixed.reshape(q.shape[0], q.shape[1], perFrame, frames, q.shape[3]).transpose(2, 3).reshape(q.shape);
            }
            case PageSelectionPattern pages:
                return PageSelection.EveryPosition(pages, q, k, v);
            case BlockSparsePattern blocks:
                return BlockPairs.Attend(blocks, q, k, v, frames, perFrame, causal);
            default:
                return KeyGather.Attend(pattern, q, k, v, frames, perFrame, causal);
        }
    }

    // Blocks of `size` consecutive positions attend only within themselves.
    private static Tensor Within(Tensor q, Tensor k, Tensor v, int blocks, int size)
    {
        Tensor Split(Tensor x) => x.reshape(x.shape[0], x.shape[1] * blocks, size, x.shape[3]);
        return F.scaled_dot_product_attention(Split(q), Split(k), Split(v)).reshape(q.shape);
    }
}
