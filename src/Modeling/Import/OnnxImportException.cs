namespace AutoDesign.Modeling.Import;

/// <summary>
/// An ONNX file that cannot be imported. <see cref="Node"/> and <see cref="OpType"/> name the graph node at fault
/// (null for the file or the graph as a whole); the message is one line and never quotes the file's bytes.
/// </summary>
public sealed class OnnxImportException(string? node, string? opType, string reason)
    : ArgumentException(node is null ? reason : $"node '{node}' ({opType}): {reason}")
{
    public string? Node { get; } = node;

    public string? OpType { get; } = opType;

    public string Reason { get; } = reason;
}
