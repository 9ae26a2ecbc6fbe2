using System.Text.Json.Serialization;

namespace AutoDesign.Modeling.Specs;

/// <summary>
/// What a layer computes. Serialized in kebab-case ("dwconv", "global-avg-pool"). Transformers use the same maps as
/// CNNs: a sequence of T tokens of width D is a D-channel map of 1 x T positions, and attention over a ViT's patch
/// map treats its H x W positions as the tokens.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<LayerOp>))]
public enum LayerOp
{
    /// <summary>2-D convolution, dense or grouped (<see cref="LayerSpec.Groups"/>), optionally followed by batch norm and an activation.</summary>
    [JsonStringEnumMemberName("conv")] Conv,
    /// <summary>Depthwise 2-D convolution: one filter per input channel, so its channels follow its input.</summary>
    [JsonStringEnumMemberName("dwconv")] DepthwiseConv,
    /// <summary>Fully connected layer; a (C, H, W) input is flattened first.</summary>
    [JsonStringEnumMemberName("linear")] Linear,
    [JsonStringEnumMemberName("max-pool")] MaxPool,
    [JsonStringEnumMemberName("avg-pool")] AvgPool,
    /// <summary>Average over the whole feature map, giving C features.</summary>
    [JsonStringEnumMemberName("global-avg-pool")] GlobalAvgPool,
    /// <summary>Element-wise sum of two or more inputs of the same shape (a residual join).</summary>
    [JsonStringEnumMemberName("add")] Add,

    /// <summary>Joins two or more inputs along the channels, in the order listed (Inception, DenseNet, SqueezeNet's fire modules).</summary>
    [JsonStringEnumMemberName("concat")] Concat,

    /// <summary>
    /// Element-wise product of a feature map (first input) and a gate (second input) of the same shape, or a vector
    /// of one value per channel broadcast over the map (squeeze-and-excitation).
    /// </summary>
    [JsonStringEnumMemberName("mul")] Mul,

    /// <summary>Nearest-neighbour upsampling by an integer <see cref="LayerSpec.Scale"/>.</summary>
    [JsonStringEnumMemberName("upsample")] Upsample,

    /// <summary>Layer norm over the channels at each position, with a scale and shift per channel (ConvNeXt).</summary>
    [JsonStringEnumMemberName("layer-norm")] LayerNorm,

    /// <summary>RMS norm over the channels at each position, with a scale per channel and no shift (Llama).</summary>
    [JsonStringEnumMemberName("rms-norm")] RmsNorm,

    /// <summary>
    /// The same linear map (weights and a bias) applied at every position: a transformer's q/k/v/o projections, its
    /// MLP's up, gate and down projections and a language model's head. On a feature map it is a 1x1 conv.
    /// </summary>
    [JsonStringEnumMemberName("projection")] Projection,

    /// <summary>A language model's first layer: a learned vector of <see cref="LayerSpec.Out"/> channels for each token id of the input.</summary>
    [JsonStringEnumMemberName("embedding")] Embedding,

    /// <summary>A learned value added at every channel and position (a transformer's learned position embedding).</summary>
    [JsonStringEnumMemberName("position-embedding")] PositionEmbedding,

    /// <summary>
    /// Scaled dot-product attention over the positions of its three inputs, the queries, keys and values (each made
    /// by a projection), in heads of <see cref="LayerSpec.HeadSize"/> channels; no weights of its own. Optionally causal
    /// and with rotary position embedding of queries and keys; keys and values may have fewer heads (grouped-query attention).
    /// </summary>
    [JsonStringEnumMemberName("attention")] Attention,

    /// <summary>The map's last row, (C, H, W) to (C, 1, W): a video model's newest frame, whose positions predict the next.</summary>
    [JsonStringEnumMemberName("last-row")] LastRow,
}

[JsonConverter(typeof(JsonStringEnumConverter<Activation>))]
public enum Activation
{
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("relu")] Relu,
    [JsonStringEnumMemberName("relu6")] Relu6,
    [JsonStringEnumMemberName("sigmoid")] Sigmoid,

    /// <summary>relu6(x + 3) / 6, as PyTorch's hardsigmoid (MobileNetV3's gates).</summary>
    [JsonStringEnumMemberName("hard-sigmoid")] HardSigmoid,

    /// <summary>x * relu6(x + 3) / 6 (MobileNetV3).</summary>
    [JsonStringEnumMemberName("hard-swish")] HardSwish,

    /// <summary>x * sigmoid(x), also called swish (EfficientNet).</summary>
    [JsonStringEnumMemberName("silu")] Silu,

    /// <summary>x * Φ(x) with the Gaussian's exact distribution function (erf).</summary>
    [JsonStringEnumMemberName("gelu")] Gelu,

    /// <summary>GELU's tanh approximation: 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))).</summary>
    [JsonStringEnumMemberName("gelu-tanh")] GeluTanh,
}
