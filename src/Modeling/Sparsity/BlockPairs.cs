using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Sparsity;

/// <summary>
/// Block-sparse attention by block pairs: each (query block, key block) the mask names is one small product, so the
/// work is the pairs' and nothing is padded; a query's softmax runs over all its pairs at once (the largest score of
/// its row over them first, then the sums of exponentials and of weighted values added up per query block).
/// </summary>
internal static class BlockPairs
{
    public static Tensor Attend(BlockSparsePattern pattern, Tensor q, Tensor k, Tensor v, int frames, int perFrame, bool causal) =>
        Paired(BlockPlan.For(pattern, frames, perFrame, causal, q.device), q, k, v);

    private static Tensor Paired(BlockPlan plan, Tensor q, Tensor k, Tensor v)
    {
        long batch = q.shape[0], heads = q.shape[1], size = q.shape[3], block = plan.Block, blocks = q.shape[2] / block;
        Tensor Blocks(Tensor x, Tensor which) => x.reshape(batch, heads, blocks, block, size).index_select(2, which);
        var scores = Blocks(q, plan.Queries).matmul(Blocks(k, plan.Keys).transpose(-1, -2)) / Math.Sqrt(size); // (B, h, pairs, block, block)
        scores = scores.masked_fill(plan.Hidden, float.NegativeInfinity);
        var pairMax = scores.amax(-1); // (B, h, pairs, block), then one more pair of -inf for the table's padding
        pairMax = cat([pairMax, full([batch, heads, 1, block], float.NegativeInfinity, device: q.device)], 2);
        var rowMax = pairMax.index_select(2, plan.PairsOf.flatten()).reshape(batch, heads, blocks, -1, block).amax(3);
        var weights = (scores - rowMax.index_select(2, plan.Queries).unsqueeze(-1)).exp();
        var sums = zeros(batch, heads, blocks, block, device: q.device).index_add(2, plan.Queries, weights.sum(-1), 1);
        var mixed = zeros([batch, heads, blocks, block, size], device: q.device).index_add(2, plan.Queries, weights.matmul(Blocks(v, plan.Keys)), 1);
        return (mixed / sums.unsqueeze(-1)).reshape(q.shape);
    }

    /// <summary>
    /// The (query block, key block) pairs a pattern reads, and in each which (query, key) it must not: built once per
    /// pattern and layer shape from <see cref="HeadPattern.Reads"/>.
    /// </summary>
    /// <param name="PairsOf">Each query block's pairs, (blocks, most pairs of a block), padded with the index one past the last pair.</param>
    private sealed record BlockPlan(int Block, Tensor Queries, Tensor Keys, Tensor Hidden, Tensor PairsOf)
    {
        private static readonly ConcurrentDictionary<(string, int, int, bool, TorchSharp.DeviceType), BlockPlan> Plans = new();

        public static BlockPlan For(BlockSparsePattern pattern, int frames, int perFrame, bool causal, Device device) =>
            Plans.GetOrAdd((pattern.Name, frames, perFrame, causal, device.type), _ => Build(pattern, frames, perFrame, causal, device));

        private static BlockPlan Build(BlockSparsePattern pattern, int frames, int perFrame, bool causal, Device device)
        {
            int positions = frames * perFrame, block = pattern.Block;
            var (queries, keys, hidden) = (new List<long>(), new List<long>(), new List<bool>());
            var pair = new bool[block * block];
            for (int i = 0; i < positions / block; i++)
                for (int j = 0; j < positions / block; j++)
                {
                    bool any = false;
                    for (int row = 0; row < block; row++)
                        for (int column = 0; column < block; column++)
                        {
                            bool read = pattern.Reads(i * block + row, j * block + column, frames, perFrame, causal);
                            pair[row * block + column] = !read;
                            any |= read;
                        }
                    if (!any) continue;
                    queries.Add(i);
                    keys.Add(j);
                    hidden.AddRange(pair);
                }
            int blocks = positions / block, most = Enumerable.Range(0, blocks).Max(i => queries.Count(x => x == i));
            var pairsOf = Enumerable.Repeat((long)queries.Count, blocks * most).ToArray();
            for (int p = 0, slot = 0; p < queries.Count; p++, slot++)
            {
                if (p > 0 && queries[p] != queries[p - 1]) slot = 0;
                pairsOf[queries[p] * most + slot] = p;
            }
            using var scope = NewDisposeScope();
            var plan = new BlockPlan(block, tensor(queries.ToArray(), device: device), tensor(keys.ToArray(), device: device),
                tensor(hidden.ToArray(), [queries.Count, block, block], device: device), tensor(pairsOf, [blocks, most], device: device));
            foreach (var t in new[] { plan.Queries, plan.Keys, plan.Hidden, plan.PairsOf }) t.DetachFromDisposeScope();
            return plan;
        }
    }
}
