using System.Diagnostics;
using System.Globalization;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Torch;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// CPU time of each attention pattern against dense attention on the same queries, keys and values: 4 heads of 64,
// batch 1, the two run alternately (medians of --runs after two warm-up runs each). "work" is the share of dense
// attention's (query, key) pairs (prefill) or cached tokens (decode) the pattern computes (AttentionWork). Page
// selection's key statistics are kept with the cache (computed when a page fills), so a step does not recompute them.
//
//   dotnet run -c Release --project bench/SparseAttentionBench [-- --runs 15] [--contexts 1024,2048]
TorchRuntime.EnsureInitialized();
int runs = int.Parse(Option("--runs") ?? "15", CultureInfo.InvariantCulture);
var contexts = (Option("--contexts") ?? "1024,2048").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
using var noGrad = no_grad();
manual_seed(1);

Console.WriteLine("| case | pattern | work vs dense | ms | dense ms | time vs dense |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach (int n in contexts)
{
    var (q, k, v) = (randn(1, 4, n, 64), randn(1, 4, n, 64), randn(1, 4, n, 64));
    Tensor Dense() => F.scaled_dot_product_attention(q, k, v, is_casual: true);
    var causal = new List<HeadPattern> { new StreamingPattern(64, 256), new StreamingPattern(4, 128), new StreamingPattern(4, 64) };
    causal.AddRange(new[] { 0.5, 0.25 }.Select(density => RandomBlocks(n / 64, 64, density, causal: true)));
    foreach (var pattern in causal)
        Row($"prefill, {n} tokens, causal", pattern, AttentionWork.PrefillPairs(pattern, 1, n, true) / AttentionWork.PrefillPairs(HeadPattern.Dense, 1, n, true),
            () => SparseAttention.Attend(pattern, q, k, v, 1, n, causal: true), Dense);

    // Frames: n / 64 frames of 64 places, non-causal, as a video transformer's.
    int frames = n / 64;
    Tensor DenseFrames() => F.scaled_dot_product_attention(q, k, v);
    foreach (var pattern in new HeadPattern[] { new SpatialPattern(), new TemporalPattern(), RandomBlocks(n / 64, 64, 0.25, causal: false) })
        Row($"frames, {frames} x 64, non-causal", pattern, AttentionWork.PrefillPairs(pattern, frames, 64, false) / ((double)n * n),
            () => SparseAttention.Attend(pattern, q, k, v, frames, 64, causal: false), DenseFrames);
}
foreach (int cached in contexts.Select(c => 4 * c))
{
    var (q, k, v) = (randn(1, 4, 1, 64), randn(1, 4, cached, 64), randn(1, 4, cached, 64));
    Tensor Dense() => F.scaled_dot_product_attention(q, k, v);
    foreach (int budget in new[] { 256, 512, 1024, 2048 })
    {
        var pattern = new PageSelectionPattern(16, budget);
        var statistics = PageSelection.Statistics(k, 16, cached / 16); // kept with the cache, each page's once
        Row($"decode, cache of {cached}", pattern, AttentionWork.DecodeReads(pattern, cached) / cached, () => PageSelection.Decode(pattern, q, k, v, statistics), Dense);
    }
    var streaming = new StreamingPattern(64, 256);
    Row($"decode, cache of {cached}", streaming, AttentionWork.DecodeReads(streaming, cached) / cached,
        () => F.scaled_dot_product_attention(q, cat([k.narrow(2, 0, 64), k.narrow(2, cached - 256, 256)], 2), cat([v.narrow(2, 0, 64), v.narrow(2, cached - 256, 256)], 2)), Dense);
}
return 0;

void Row(string label, HeadPattern pattern, double work, Func<Tensor> run, Func<Tensor> dense)
{
    var (ms, denseMs) = Paired(run, dense);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {Short(pattern)} | {work:F3} | {ms:F2} | {denseMs:F2} | {ms / denseMs:F2} |"));
}

(double, double) Paired(Func<Tensor> run, Func<Tensor> dense)
{
    var (times, denseTimes) = (new List<double>(), new List<double>());
    for (int i = 0; i < runs + 2; i++)
        foreach (var (f, list) in new[] { (run, times), (dense, denseTimes) })
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            f();
            if (i >= 2) list.Add(watch.Elapsed.TotalMilliseconds);
        }
    times.Sort();
    denseTimes.Sort();
    return (times[times.Count / 2], denseTimes[denseTimes.Count / 2]);
}

// Each query block reads its own block and, at random, the given share of the others (earlier ones when causal).
static BlockSparsePattern RandomBlocks(int blocks, int block, double density, bool causal)
{
    var random = new Random(7);
    var mask = new bool[blocks][];
    for (int i = 0; i < blocks; i++)
    {
        mask[i] = new bool[blocks];
        for (int j = 0; j < blocks; j++) mask[i][j] = j == i || ((!causal || j < i) && random.NextDouble() < density);
    }
    return new BlockSparsePattern(block, mask);
}

static string Short(HeadPattern pattern) => pattern is BlockSparsePattern b
    ? $"blocks of {b.Block}, {b.Mask.Sum(r => r.Count(x => x))} of {b.Mask.Length * b.Mask.Length}"
    : pattern.Name;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
