using System.Buffers.Binary;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// Tensors' values as bytes (float32, in order) behind a 64-bit header, in the gradient messages' dense form: what a
/// worker broadcasts to start a run and keeps in its checkpoints.
/// </summary>
public static class TensorSnapshot
{
    public static byte[] Encode(long header, IEnumerable<Tensor> tensors)
    {
        var body = new GradientMessage([.. tensors.Select(t => new LayerGradient((int)t.numel(), null,
            t.detach().contiguous().to_type(ScalarType.Float32).data<float>().ToArray()))]).Encode();
        var bytes = new byte[8 + body.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, header);
        body.CopyTo(bytes, 8);
        return bytes;
    }

    public static (long Header, GradientMessage Values) Decode(byte[] bytes)
    {
        if (bytes.Length < 8) throw new InvalidDataException("tensor snapshot: truncated");
        return (BinaryPrimitives.ReadInt64LittleEndian(bytes), GradientMessage.Decode(bytes.AsSpan(8)));
    }

    /// <summary>Copies the snapshot's values, from <paramref name="first"/> on, into the tensors; their count and sizes must match.</summary>
    public static void CopyInto(GradientMessage values, int first, IReadOnlyList<Tensor> tensors)
    {
        if (values.Layers.Count - first < tensors.Count) throw new InvalidDataException($"tensor snapshot: {values.Layers.Count - first} tensors where {tensors.Count} were expected");
        using var noGrad = no_grad();
        for (int i = 0; i < tensors.Count; i++)
        {
            var layer = values.Layers[first + i];
            if (layer.Count != tensors[i].numel()) throw new InvalidDataException($"tensor snapshot: tensor {i} has {layer.Count} entries, {tensors[i].numel()} expected");
            using var source = tensor(layer.Values);
            tensors[i].copy_(source.reshape(tensors[i].shape).to_type(tensors[i].dtype));
        }
    }
}
