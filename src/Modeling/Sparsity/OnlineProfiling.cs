using AutoDesign.Modeling.Torch;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Sparsity;

/// <summary>
/// Sparse VideoGen's online profiling (Xi et al. 2025): as a forward pass reaches an attention layer over frames, each
/// head's output for a few sampled query positions is computed under full attention and under the spatial and the
/// temporal mask, from the layer's own queries, keys and values; the head takes the pattern whose output is closer to
/// the full one (mean squared error over the sampled queries, their channels, the batch and the query heads that share
/// the key/value head; a tie goes to spatial). It needs no search and no calibration data: every forward pass profiles
/// its own input, each layer after the earlier layers ran their chosen patterns, so a batch of one clip gets its own
/// choice as in the paper's generation; a larger batch shares one choice per head. The query positions are the first
/// <see cref="Samples"/> of a fresh permutation at every layer of every pass, drawn from one generator seeded once.
/// Causal layers and layers of a single frame keep every head dense (neither pattern fits them).
/// </summary>
public sealed class OnlineProfiling : IHeadChooser
{
    private readonly SplitMix64 _random;
    private readonly Dictionary<string, IReadOnlyList<HeadPattern>> _chosen = [];

    /// <param name="samples">Query positions sampled per layer and pass (the paper samples 64).</param>
    public OnlineProfiling(int samples = 64, ulong seed = 1)
    {
        if (samples < 1) throw new ArgumentException($"profiling samples at least one query position, got {samples}", nameof(samples));
        Samples = samples;
        _random = new SplitMix64(seed);
    }

    public int Samples { get; }

    /// <summary>The patterns chosen for each layer in the latest forward pass: a policy for <see cref="SpecNetwork.Sparsify"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>> Chosen => _chosen;

    /// <summary>
    /// Profiles one forward pass of <paramref name="network"/> on <paramref name="input"/> (a calibration batch) and
    /// returns what it chose, to be fixed with <see cref="SpecNetwork.Sparsify"/> for later passes.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>> Profile(SpecNetwork network, Tensor input)
    {
        network.ChooseHeadsOnline(this);
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            network.forward(input);
        }
        finally
        {
            network.ChooseHeadsOnline(null);
        }
        return new Dictionary<string, IReadOnlyList<HeadPattern>>(_chosen);
    }

    public IReadOnlyList<HeadPattern> Choose(string layer, Tensor q, Tensor k, Tensor v, int share, int frames, int perFrame, bool causal)
    {
        int keyHeads = (int)q.shape[1] / share;
        if (causal || frames < 2) return _chosen[layer] = [.. Enumerable.Repeat(HeadPattern.Dense, keyHeads)];
        int positions = frames * perFrame;
        var rows = _random.Permutation(positions)[..Math.Min(Samples, positions)];
        using var scope = NewDisposeScope();
        var errors = Errors(q, k, v, rows, frames, perFrame).reshape(2, keyHeads, share).mean([2]).cpu().data<float>().ToArray(); // spatial's, then temporal's
        HeadPattern spatial = new SpatialPattern(), temporal = new TemporalPattern();
        return _chosen[layer] = [.. Enumerable.Range(0, keyHeads).Select(h => errors[keyHeads + h] < errors[h] ? temporal : spatial)];
    }

    /// <summary>
    /// How far spatial and temporal attention are from full attention at the query positions <paramref name="rows"/>:
    /// the mean squared difference of each query head's outputs, (2, query heads), spatial's first.
    /// </summary>
    public static Tensor Errors(Tensor q, Tensor k, Tensor v, IReadOnlyList<int> rows, int frames, int perFrame)
    {
        using var noGrad = no_grad();
        var queries = tensor(rows.Select(r => (long)r).ToArray(), device: q.device);
        var scores = q.index_select(2, queries).matmul(k.transpose(-1, -2)) / Math.Sqrt(q.shape[3]); // (B, h, samples, P)
        var full = scores.softmax(-1).matmul(v);
        var keys = arange(frames * perFrame, dtype: ScalarType.Int64, device: q.device).unsqueeze(0);
        var queryColumn = queries.unsqueeze(1);
        var sameFrame = keys.div(perFrame, rounding_mode: RoundingMode.floor).eq(queryColumn.div(perFrame, rounding_mode: RoundingMode.floor)); // (samples, P)
        var samePlace = keys.remainder(perFrame).eq(queryColumn.remainder(perFrame));
        Tensor Error(Tensor reads) => (scores.masked_fill(reads.logical_not(), float.NegativeInfinity).softmax(-1).matmul(v) - full).square().mean([0, 2, 3]);
        return stack([Error(sameFrame), Error(samePlace)]);
    }

    /// <summary>
    /// The (query, key) pairs profiling adds to a head's work, in the units of <see cref="AttentionWork.PrefillPairs"/>
    /// (each pair a product of a query with a key and of a weight with a value): the sampled queries' scores against
    /// every key once, their weighted values under full attention, and under the spatial and the temporal mask.
    /// </summary>
    public static double ProfilingPairs(int samples, int frames, int perFrame)
    {
        double positions = (double)frames * perFrame, sampled = Math.Min(samples, positions);
        return sampled * (positions + (perFrame + frames) / 2.0);
    }
}
