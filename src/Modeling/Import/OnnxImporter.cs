using Google.Protobuf;
using Onnx;

namespace AutoDesign.Modeling.Import;

/// <summary>
/// Reads a CNN from an ONNX file (as <c>torch.onnx.export</c> writes them, opsets 11 to 21) into a ModelSpec and its
/// weights. Batch norm after a conv is kept as the conv's batch norm (or folded into it); activations, padding,
/// flattening and the pieces of SiLU, hard-swish and GELU are fused into the layers they follow; Dropout and Identity
/// are dropped, and a final Softmax is left out. Any other node is refused with its name, type and the reason.
/// </summary>
public static class OnnxImporter
{
    public const int MinOpset = 11, MaxOpset = 21;

    public static ImportedModel Import(byte[] bytes, string name)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new OnnxImportException(null, null, "the file is not an ONNX model (it does not parse as one)");
        }
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new OnnxImportException(null, null, "the file is not an ONNX model (it has no graph nodes)");
        long opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset is < MinOpset or > MaxOpset)
            throw new OnnxImportException(null, null, $"the model uses ONNX opset {opset}; the importer reads opsets {MinOpset} to {MaxOpset}");
        return new GraphImport(model.Graph, (int)opset, name).Run();
    }
}
