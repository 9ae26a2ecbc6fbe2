namespace AutoDesign.Modeling.Specs;

/// <summary>One row of a model's layer table: the shapes a layer sees and what it costs per image.</summary>
/// <param name="InChannels">Input channels, or input features for a linear layer (flattened).</param>
/// <param name="Groups">Convolution groups: 1 for dense, the channel count for depthwise, 0 for layers without weights.</param>
/// <param name="Macs">Multiply-accumulates for one image; layers without weights count 0.</param>
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
    long Params);
