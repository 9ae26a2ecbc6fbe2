using System.Globalization;
using System.Text.RegularExpressions;

namespace AutoDesign.Modeling.Sparsity;

/// <summary>
/// Which keys one attention head reads. Positions are the (H, W) map's H x W positions row by row: a language model's
/// tokens (H = 1), or a frame-structured sequence, frame by frame (H frames of W tokens each). Names:
/// <list type="bullet">
/// <item><c>dense</c>: every key (every earlier one in a causal layer).</item>
/// <item><c>streaming-s4-w256</c>: StreamingLLM's attention sinks (the first s tokens) and a local window of the last w (causal layers).</item>
/// <item><c>pages-p16-b256</c>: dense in prefill; in decode, LServe's page selection reads only the pages of p tokens whose
/// key statistics bound the score highest, b tokens in all, the query's own page among them (causal layers).</item>
/// <item><c>blocks-b64-...</c>: block-sparse with an explicit mask of query blocks x key blocks (see <see cref="BlockSparsePattern"/>).</item>
/// <item><c>spatial</c>, <c>temporal</c>: Sparse VideoGen's heads: within the query's frame, or at the query's place in every frame (non-causal layers).</item>
/// </list>
/// </summary>
public abstract record HeadPattern
{
    public abstract string Name { get; }

    public override string ToString() => Name;

    public static readonly HeadPattern Dense = new DensePattern();

    /// <summary>Reads a pattern's name; a name that is not one is a <see cref="FormatException"/> saying why.</summary>
    public static HeadPattern Parse(string name)
    {
        string n = name.Trim().ToLowerInvariant();
        static int Int(Group g) => int.Parse(g.Value, CultureInfo.InvariantCulture);
        if (n == "dense") return Dense;
        if (n == "spatial") return new SpatialPattern();
        if (n == "temporal") return new TemporalPattern();
        if (Regex.Match(n, @"^streaming-s(\d{1,6})-w(\d{1,7})$") is { Success: true } s) return new StreamingPattern(Int(s.Groups[1]), Int(s.Groups[2]));
        if (Regex.Match(n, @"^pages-p(\d{1,5})-b(\d{1,7})$") is { Success: true } p) return new PageSelectionPattern(Int(p.Groups[1]), Int(p.Groups[2]));
        if (Regex.Match(n, @"^blocks-b(\d{1,5})-([01]+(?:\.[01]+)*)$") is { Success: true } b) return BlockSparsePattern.FromRows(Int(b.Groups[1]), b.Groups[2].Value.Split('.'));
        string shown = name.Length <= 40 ? name : name[..40] + "...";
        throw new FormatException($"'{shown}' is not an attention pattern: dense, streaming-sS-wW, pages-pP-bB, blocks-bB-ROWS, spatial or temporal");
    }

    /// <summary>Why the pattern cannot apply to a layer of <paramref name="frames"/> x <paramref name="perFrame"/> positions, or null.</summary>
    public abstract string? Misfit(int frames, int perFrame, bool causal);

    /// <summary>Whether query <paramref name="query"/> reads key <paramref name="key"/> in prefill (the reference a kernel must agree with).</summary>
    public abstract bool Reads(int query, int key, int frames, int perFrame, bool causal);
}

public sealed record DensePattern : HeadPattern
{
    public override string Name => "dense";

    public override string? Misfit(int frames, int perFrame, bool causal) => null;

    public override bool Reads(int query, int key, int frames, int perFrame, bool causal) => !causal || key <= query;
}

/// <summary>Attention sinks (the first <paramref name="Sinks"/> positions) and a window of the last <paramref name="Window"/> positions, the query's own among them.</summary>
public sealed record StreamingPattern(int Sinks, int Window) : HeadPattern
{
    public override string Name => $"streaming-s{Sinks}-w{Window}";

    public override string? Misfit(int frames, int perFrame, bool causal) =>
        !causal ? "streaming heads are for causal attention"
        : Window < 1 ? "the window needs at least the query's own position (w >= 1)"
        : Sinks + Window > frames * perFrame ? $"{Sinks} sinks and a window of {Window} cover more than the layer's {frames * perFrame} positions: use dense"
        : null;

    public override bool Reads(int query, int key, int frames, int perFrame, bool causal) =>
        key <= query && (key < Sinks || key > query - Window);
}

/// <summary>Dense in prefill; in decode, the pages with the highest score bounds up to <paramref name="Budget"/> tokens (see <see cref="PageSelection"/>).</summary>
public sealed record PageSelectionPattern(int PageSize, int Budget) : HeadPattern
{
    public override string Name => $"pages-p{PageSize}-b{Budget}";

    public int Pages => Budget / PageSize;

    public override string? Misfit(int frames, int perFrame, bool causal) =>
        !causal ? "page selection is for a causal layer's decode"
        : PageSize < 1 ? "a page holds at least one token"
        : frames * perFrame % PageSize != 0 ? $"a page of {PageSize} tokens does not divide the context of {frames * perFrame}"
        : Budget < PageSize || Budget % PageSize != 0 ? $"the budget of {Budget} tokens must be a whole number of pages of {PageSize}"
        : null;

    public override bool Reads(int query, int key, int frames, int perFrame, bool causal) => key <= query;
}

/// <summary>Within the query's frame (positions are frame by frame).</summary>
public sealed record SpatialPattern : HeadPattern
{
    public override string Name => "spatial";

    public override string? Misfit(int frames, int perFrame, bool causal) =>
        causal ? "spatial heads are for non-causal attention over frames" : frames < 2 ? "spatial heads need a sequence of frames (a map of 2 or more rows)" : null;

    public override bool Reads(int query, int key, int frames, int perFrame, bool causal) => query / perFrame == key / perFrame;
}

/// <summary>At the query's place in every frame.</summary>
public sealed record TemporalPattern : HeadPattern
{
    public override string Name => "temporal";

    public override string? Misfit(int frames, int perFrame, bool causal) =>
        causal ? "temporal heads are for non-causal attention over frames" : frames < 2 ? "temporal heads need a sequence of frames (a map of 2 or more rows)" : null;

    public override bool Reads(int query, int key, int frames, int perFrame, bool causal) => query % perFrame == key % perFrame;
}

/// <summary>
/// Block-sparse: query block i reads key block j where <c>Mask[i][j]</c> (blocks of <paramref name="Block"/> positions;
/// in a causal layer, only earlier keys within them). The name lists the mask's rows: <c>blocks-b64-1000.1100.0110.0011</c>.
/// </summary>
public sealed record BlockSparsePattern(int Block, bool[][] Mask) : HeadPattern
{
    public static BlockSparsePattern FromRows(int block, IReadOnlyList<string> rows)
    {
        if (rows.Any(r => r.Length != rows.Count)) throw new FormatException($"a block mask is square: {rows.Count} rows of {rows.Count} blocks each");
        return new BlockSparsePattern(block, [.. rows.Select(r => r.Select(c => c == '1').ToArray())]);
    }

    public override string Name => $"blocks-b{Block}-" + string.Join('.', Mask.Select(r => new string([.. r.Select(b => b ? '1' : '0')])));

    public override string? Misfit(int frames, int perFrame, bool causal)
    {
        int positions = frames * perFrame;
        if (Block < 1 || positions % Block != 0) return $"a block of {Block} does not divide the layer's {positions} positions";
        if (Mask.Length != positions / Block) return $"the mask has {Mask.Length} rows where the layer has {positions / Block} blocks of {Block}";
        for (int i = 0; i < Mask.Length; i++)
            if (!Mask[i].Where((_, j) => !causal || j <= i).Any(b => b)) return $"query block {i} reads no key block{(causal ? " at or before it" : "")}";
        return null;
    }

    public override bool Reads(int query, int key, int frames, int perFrame, bool causal) =>
        Mask[query / Block][key / Block] && (!causal || key <= query);

    public bool Equals(BlockSparsePattern? other) => other is not null && Name == other.Name;

    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
}
