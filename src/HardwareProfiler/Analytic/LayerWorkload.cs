using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Analytic;

/// <summary>
/// A layer as a matrix product for the cost models: M outputs per position (output channels), K reduction length
/// (input channels per group x kernel area; kernel area alone for depthwise, where M counts the channels), N positions.
/// Attention's two products (queries x keys, weights x values) have no weights: M is the query channels, K the two
/// products, N the position pairs. Layers without weights (pools, joins, upsampling, embeddings) and norms are pure
/// memory traffic.
/// </summary>
public sealed record LayerWorkload(string Name, LayerOp Op, long M, long K, long N, long Weights, long InputElements, long OutputElements)
{
    public long Macs => M * K * N;

    public bool Computes => Op is LayerOp.Conv or LayerOp.DepthwiseConv or LayerOp.Linear or LayerOp.Projection or LayerOp.Attention;

    /// <summary>The layer run on <paramref name="batch"/> images at once: as many times the positions and activations, the same weights.</summary>
    public LayerWorkload Batched(int batch) => batch == 1 ? this : this with
    {
        N = N * batch,
        InputElements = InputElements * batch,
        OutputElements = OutputElements * batch,
    };

    public static IReadOnlyList<LayerWorkload> Of(ModelSpec spec)
    {
        var analysis = spec.Analyze();
        return spec.Layers.Select((layer, i) =>
        {
            var s = analysis.Layers[i];
            long positions = (long)s.OutputShape.Height * s.OutputShape.Width;
            long kernelArea = (long)layer.Kernel * layer.Kernel;
            // A join reads every input it names; a gate of one value per channel is small but counts all the same.
            long inputs = layer.IsJoin ? spec.InputsOf(i).Sum(name => analysis[name].OutputShape.Elements) : s.InputShape.Elements;
            long reduction = s.InChannels / Math.Max(1, s.Groups) * kernelArea;
            return layer.Op switch
            {
                LayerOp.Conv => new LayerWorkload(layer.Name, layer.Op, s.OutChannels, reduction, positions, s.OutChannels * reduction, inputs, s.OutputShape.Elements),
                LayerOp.DepthwiseConv => new LayerWorkload(layer.Name, layer.Op, s.OutChannels, kernelArea, positions, s.OutChannels * kernelArea, inputs, s.OutputShape.Elements),
                LayerOp.Linear => new LayerWorkload(layer.Name, layer.Op, s.OutChannels, s.InChannels, 1, (long)s.OutChannels * s.InChannels, inputs, s.OutChannels),
                LayerOp.Projection => new LayerWorkload(layer.Name, layer.Op, s.OutChannels, s.InChannels, positions, (long)s.OutChannels * s.InChannels, inputs, s.OutputShape.Elements),
                LayerOp.Attention => new LayerWorkload(layer.Name, layer.Op, s.InChannels, 2, s.Macs / (2L * s.InChannels), 0, inputs, s.OutputShape.Elements),
                _ => new LayerWorkload(layer.Name, layer.Op, 0, 0, 0, 0, inputs, s.OutputShape.Elements),
            };
        }).ToList();
    }
}
