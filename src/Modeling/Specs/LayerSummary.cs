namespace AutoDesign.Modeling.Specs;

/// <summary>One row of a model's layer table: the shapes a layer sees and what it costs per image.</summary>
/// <param name="InChannels">Input channels, or input features for a linear layer (flattened).</param>
/// <param name="Groups">Convolution groups: 1 for dense, the channel count for depthwise, 0 for layers without weights.</param>
/// <param name="Macs">Multiply-accumulates for one image (or sequence); layers without weights count 0, attention counts its two products.</param>
/// <param name="KvChannels">Values an attention layer keeps per position in a KV cache (its keys' and values' channels); 0 for other layers.</param>
public sealed record LayerSummary(
    string Name,
    LayerOp Op,
    int InChannels,
    int OutChannels,
    int Kernel,
    int Stride,
    int Groups,
    TensorShape InputShape,
    TensorShape OutputShape,
    long Macs,
    long Params,
    int KvChannels = 0);
