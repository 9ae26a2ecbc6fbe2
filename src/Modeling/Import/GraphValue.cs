using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Import;

/// <summary>
/// What the importer knows about one tensor of the ONNX graph while it walks the nodes: a layer's output, a
/// constant, or a step of a pattern (an activation, padding, flattening, the pieces of an erf GELU) that is fused
/// into a layer once the node that completes it is seen.
/// </summary>
internal abstract record GraphValue;

/// <summary>The output of a layer of the spec being built (null: the network input), with its per-sample shape.</summary>
internal sealed record LayerOutput(string? Layer, TensorShape Shape, string Tensor) : GraphValue;

internal sealed record Constant(float[] Data, long[] Dims) : GraphValue
{
    public bool IsScalar => Data.Length == 1;
}

/// <summary>Integers that describe a shape (Shape, Gather, Unsqueeze, Concat of them); only Reshape may read them.</summary>
internal sealed record ShapeNumbers : GraphValue;

/// <summary>An activation not yet attached: <paramref name="Uses"/> counts the edges out of the source that the pattern accounts for.</summary>
internal sealed record Activated(LayerOutput Source, Activation Activation, int Uses) : GraphValue;

internal sealed record Padded(LayerOutput Source, int Padding) : GraphValue;

/// <summary>A feature map viewed as a vector (Flatten or Reshape to (N, -1)); a linear layer reads the map itself.</summary>
internal sealed record Flattened(LayerOutput Source) : GraphValue;

/// <summary>x times a weight matrix, waiting for the Add of a bias.</summary>
internal sealed record MatMulOutput(LayerOutput Source, float[] Weight, int In, int Out, string Node) : GraphValue;

/// <summary>
/// A step of a GELU written out in elementary operators, as PyTorch's exporter writes it before opset 20. With erf,
/// 0.5 x (1 + erf(x / sqrt 2)): 1 is x / sqrt 2, 2 its erf, 3 one plus that, 4 x times that. With tanh,
/// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))): 1 is x^2, 2 x^3, 3 0.044715 x^3, 4 x plus that, 5 sqrt(2 / pi)
/// times that, 6 its tanh, 7 one plus that, 8 x times that. The final half makes the activation.
/// </summary>
internal sealed record GeluStep(LayerOutput Source, bool Tanh, int Step) : GraphValue
{
    public bool Last => Step == (Tanh ? 8 : 4);

    /// <summary>How many times the steps read x: the activation may join x's layer only if nothing else does.</summary>
    public int Uses => Tanh ? 5 : 2;
}
