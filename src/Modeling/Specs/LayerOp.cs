using System.Text.Json.Serialization;

namespace AutoDesign.Modeling.Specs;

/// <summary>What a layer computes. Serialized in kebab-case ("dwconv", "global-avg-pool").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LayerOp>))]
public enum LayerOp
{
    /// <summary>Dense 2-D convolution (groups = 1), optionally followed by batch norm and an activation.</summary>
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
}

[JsonConverter(typeof(JsonStringEnumConverter<Activation>))]
public enum Activation
{
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("relu")] Relu,
    [JsonStringEnumMemberName("relu6")] Relu6,
}
