using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Sparsity;

/// <summary>
/// Sparse attention by gathering: for each block of queries, the keys some query of the block reads, padded to the
/// longest list and masked to each query's own. Cheap where every block reads about as many keys (streaming heads:
/// sinks, window and the block itself).
/// </summary>
internal static class KeyGather
{
    public static Tensor Attend(HeadPattern pattern, Tensor q, Tensor k, Tensor v, int frames, int perFrame, bool causal) =>
        Gathered(GatherPlan.For(pattern, frames, perFrame, causal, q.device), q, k, v);

    private static Tensor Gathered(GatherPlan plan, Tensor q, Tensor k, Tensor v)
    {
        long batch = q.shape[0], heads = q.shape[1], size = q.shape[3];
        var blocks = plan.Keys.shape[0];
        var queries = q.reshape(batch, heads, blocks, -1, size);
        Tensor Gather(Tensor x) => x.index_select(2, plan.Keys.flatten()).reshape(batch, heads, blocks, plan.Keys.shape[1], size);
        var scores = queries.matmul(Gather(k).transpose(-1, -2)) / Math.Sqrt(size); // (B, h, blocks, block, keys)
        var weights = scores.masked_fill(plan.Hidden, float.NegativeInfinity).softmax(-1);
        return weights.matmul(Gather(v)).reshape(q.shape);
    }

    /// <summary>
    /// For each block of queries, the keys some query in it reads (padded to the longest list), and which of them each
    /// query must not read: built once per pattern and layer shape from <see cref="HeadPattern.Reads"/>.
    /// </summary>
    private sealed record GatherPlan(Tensor Keys, Tensor Hidden)
    {
        private static readonly ConcurrentDictionary<(string, int, int, bool, TorchSharp.DeviceType), GatherPlan> Plans = new();

        public static GatherPlan For(HeadPattern pattern, int frames, int perFrame, bool causal, Device device) =>
            Plans.GetOrAdd((pattern.Name, frames, perFrame, causal, device.type), _ => Build(pattern, frames, perFrame, causal, device));

        private static GatherPlan Build(HeadPattern pattern, int frames, int perFrame, bool causal, Device device)
        {
            int positions = frames * perFrame;
            int block = LargestDivisor(positions, 64);
            int blocks = positions / block;
            var read = new List<int>[blocks];
            for (int i = 0; i < blocks; i++)
            {
                read[i] = [];
                for (int key = 0; key < positions; key++)
                    for (int query = i * block; query < (i + 1) * block; query++)
                        if (pattern.Reads(query, key, frames, perFrame, causal))
                        {
                            read[i].Add(key);
                            break;
                        }
            }
            int longest = read.Max(r => r.Count);
            var keys = new long[blocks * longest];
            var hidden = new bool[blocks * block * longest];
            for (int i = 0; i < blocks; i++)
                for (int slot = 0; slot < longest; slot++)
                {
                    int key = slot < read[i].Count ? read[i][slot] : 0;
                    keys[i * longest + slot] = key;
                    for (int row = 0; row < block; row++)
                        hidden[(i * block + row) * longest + slot] = slot >= read[i].Count || !pattern.Reads(i * block + row, key, frames, perFrame, causal);
                }
            using var scope = NewDisposeScope();
            var plan = new GatherPlan(tensor(keys, [blocks, longest], device: device), tensor(hidden, [blocks, block, longest], device: device));
            plan.Keys.DetachFromDisposeScope();
            plan.Hidden.DetachFromDisposeScope();
            return plan;
        }

        private static int LargestDivisor(int n, int atMost)
        {
            for (int d = Math.Min(n, atMost); d > 1; d--)
                if (n % d == 0) return d;
            return 1;
        }
    }
}
