using System.Text.Json.Serialization;

namespace AutoDesign.Modeling.Specs;

/// <summary>
/// One layer of a <see cref="ModelSpec"/>. Only the fields that matter for its <see cref="Op"/> are set;
/// input channels are never stored, they follow from the layer's inputs.
/// </summary>
public sealed record LayerSpec
{
    /// <summary>Unique name; also the layer's prefix in the weights file.</summary>
    public required string Name { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] // conv is the enum's default, and must still be written
    public required LayerOp Op { get; init; }

    /// <summary>Names of the layers this one reads; null means the previous layer (or the network input for the first).</summary>
    public IReadOnlyList<string>? Inputs { get; init; }

    /// <summary>Output channels (conv) or features (linear). Not set for layers whose width follows their input.</summary>
    public int? Out { get; init; }

    public int Kernel { get; init; } = 1;

    public int Stride { get; init; } = 1;

    /// <summary>Zero padding on each side; null means kernel / 2 ("same" for odd kernels at stride 1).</summary>
    public int? Padding { get; init; }

    /// <summary>Convolution groups: null or 1 for a dense conv; a grouped conv splits its input and output channels into this many groups.</summary>
    public int? Groups { get; init; }

    /// <summary>Upsampling factor of an upsample layer (height and width).</summary>
    public int? Scale { get; init; }

    /// <summary>
    /// Channels per attention head. The heads follow from it: queries of C channels have C / HeadSize heads, keys and
    /// values of fewer channels fewer heads, each shared by as many query heads (grouped-query attention); pruning a
    /// whole head leaves the layer as it is.
    /// </summary>
    public int? HeadSize { get; init; }

    /// <summary>
    /// An attention layer's pattern for each key/value head and the query heads that read it, by name
    /// (<see cref="Sparsity.HeadPattern"/>: dense, streaming-s4-w256, pages-p16-b256, blocks-b64-..., spatial,
    /// temporal); null: every head dense.
    /// </summary>
    public IReadOnlyList<string>? Heads { get; init; }

    /// <summary>Attention in which each position sees only itself and the positions before it (a language model's).</summary>
    public bool Causal { get; init; }

    /// <summary>
    /// Rotary position embedding (RoFormer) of the queries and keys in each head: channel i of a head is rotated with
    /// channel i + size/2 by an angle that grows with the position (GPT-NeoX's and Llama's pairing).
    /// </summary>
    public bool Rotary { get; init; }

    /// <summary>Added to the variance of a layer norm or RMS norm; null means 1e-6.</summary>
    public double? Epsilon { get; init; }

    /// <summary>Batch normalisation after a conv; a conv without it carries a bias.</summary>
    public bool BatchNorm { get; init; }

    /// <summary>Applied after the convolution, batch norm, linear map or sum.</summary>
    public Activation Activation { get; init; } = Activation.None;

    public int EffectivePadding => Padding ?? Kernel / 2;

    // Derived values are left out of the JSON (EffectivePadding and HasWeights stay in it: cached models are keyed by its hash).
    [JsonIgnore]
    public int EffectiveGroups => Groups ?? 1;

    [JsonIgnore]
    public double EffectiveEpsilon => Epsilon ?? 1e-6;

    /// <summary>Whether the layer multiplies by weights (and so has bit-widths to choose); layer norm's scale does not count.</summary>
    public bool HasWeights => Op is LayerOp.Conv or LayerOp.DepthwiseConv or LayerOp.Linear or LayerOp.Projection;

    /// <summary>Whether the layer joins several inputs (and so has no module of its own).</summary>
    [JsonIgnore]
    public bool IsJoin => Op is LayerOp.Add or LayerOp.Concat or LayerOp.Mul or LayerOp.Attention;

}
