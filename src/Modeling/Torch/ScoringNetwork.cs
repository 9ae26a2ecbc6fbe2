using AutoDesign.Modeling.Specs;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AutoDesign.Modeling.Torch;

/// <summary>
/// A trained float network compiled for scoring: each conv's batch norm folded into its weights and bias, layers run
/// as plain functions in inference mode, each intermediate map freed as soon as its last reader has run. Maps and
/// filters are laid out channels-last, the layout oneDNN's convolutions read and write without reordering (1.2-1.5x
/// on a pruned ResNet-20, where odd channel counts make the reorders a large share). It computes what
/// <see cref="SpecNetwork"/> computes in eval mode, up to float rounding, without building modules.
/// </summary>
public sealed class ScoringNetwork : IDisposable
{
    private readonly ModelSpec _spec;
    private readonly int[][] _inputs;
    private readonly (Tensor? Weight, Tensor? Bias)[] _parameters;
    private readonly long[] _groups;

    /// <param name="state">Weights keyed as <see cref="SpecNetwork"/> names them; the network keeps its own folded copies.</param>
    public ScoringNetwork(ModelSpec spec, IReadOnlyDictionary<string, Tensor> state)
    {
        _spec = spec;
        var analysis = spec.Analyze();
        var index = spec.Layers.Select((l, i) => (l.Name, i)).ToDictionary(p => p.Name, p => p.i);
        _inputs = [.. spec.Layers.Select((_, i) => spec.InputsOf(i).Select(n => index[n]).DefaultIfEmpty(-1).ToArray())];
        _groups = [.. analysis.Layers.Select(s => (long)Math.Max(1, s.Groups))];
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        _parameters = [.. spec.Layers.Select(layer => Fold(layer, state))];
        foreach (var (weight, bias) in _parameters)
        {
            weight?.DetachFromDisposeScope();
            bias?.DetachFromDisposeScope();
        }
    }

    public static ScoringNetwork Of(SpecNetwork network)
    {
        if (network.Quantization is not null) throw new ArgumentException("a quantized network is scored as it is, not compiled");
        return new ScoringNetwork(network.Spec, network.state_dict());
    }

    public Tensor Forward(Tensor input) => Forward(input, new Dictionary<int, Tensor>());

    /// <summary>
    /// The network's output when the layers in <paramref name="given"/> are not run but produce the tensors given
    /// (which stay the caller's); layers only they read are not run either.
    /// </summary>
    public Tensor Forward(Tensor input, IReadOnlyDictionary<int, Tensor> given) => Run(input, given, [_spec.Layers.Count - 1])[_spec.Layers.Count - 1];

    /// <summary>The outputs of the named layers (by index), running only what they need; the caller disposes them.</summary>
    public IReadOnlyDictionary<int, Tensor> Outputs(Tensor input, IReadOnlyCollection<int> layers) => Run(input, new Dictionary<int, Tensor>(), layers);

    private Dictionary<int, Tensor> Run(Tensor input, IReadOnlyDictionary<int, Tensor> given, IReadOnlyCollection<int> wanted)
    {
        int last = wanted.Max();
        var needed = new bool[last + 1];
        foreach (int w in wanted) needed[w] = true;
        var readers = new int[last + 1]; // readers of each output that will run
        for (int i = last; i >= 0; i--)
            if (needed[i] && !given.ContainsKey(i))
                foreach (int source in _inputs[i].Where(s => s >= 0).Distinct())
                {
                    needed[source] = true;
                    readers[source]++;
                }

        using var scope = NewDisposeScope();
        input = ChannelsLast(input);
        var outputs = new Tensor?[last + 1];
        foreach (var (i, tensor) in given) if (i <= last) outputs[i] = tensor;
        for (int i = 0; i <= last; i++)
        {
            if (!needed[i] || given.ContainsKey(i)) continue;
            // A sum may overwrite its first term where nothing else reads that: an allocation and a pass over the map saved.
            int first = _inputs[i][0];
            bool overwrite = _spec.Layers[i].Op == LayerOp.Add && first >= 0 && readers[first] == 1 && _inputs[i].Count(s => s == first) == 1
                             && !given.ContainsKey(first) && !wanted.Contains(first);
            outputs[i] = Run(i, [.. _inputs[i].Select(s => s < 0 ? input : outputs[s]!)], overwrite);
            if (overwrite) outputs[first] = null; // now this layer's output
            foreach (int s in _inputs[i].Where(s => s >= 0).Distinct())
                if (--readers[s] == 0 && !given.ContainsKey(s) && !wanted.Contains(s))
                {
                    outputs[s]?.Dispose(); // its last reader has run
                    outputs[s] = null;
                }
        }
        return wanted.ToDictionary(w => w, w => given.ContainsKey(w) ? outputs[w]! : outputs[w]!.MoveToOuterDisposeScope());
    }

    /// <summary>The same values with the channels innermost in memory (NHWC strides); other tensors as they are.</summary>
    private static Tensor ChannelsLast(Tensor t) => t.dim() == 4 ? t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : t;

    private Tensor Run(int i, Tensor[] sources, bool overwriteFirst)
    {
        var layer = _spec.Layers[i];
        var (weight, bias) = _parameters[i];
        var x = sources[0];
        var y = layer.Op switch
        {
            LayerOp.Conv or LayerOp.DepthwiseConv => F.conv2d(x, weight!, bias, strides: [layer.Stride, layer.Stride],
                padding: [layer.EffectivePadding, layer.EffectivePadding], groups: _groups[i]),
            LayerOp.Linear => F.linear(x.dim() > 2 ? x.flatten(1) : x, weight!, bias),
            LayerOp.MaxPool => F.max_pool2d(x, layer.Kernel, layer.Stride, layer.EffectivePadding),
            LayerOp.AvgPool => F.avg_pool2d(x, layer.Kernel, layer.Stride, layer.EffectivePadding),
            LayerOp.GlobalAvgPool => x.mean([2, 3]),
            LayerOp.LastRow => LastRowUnit.LastRow(x),
            LayerOp.Upsample => F.interpolate(x, scale_factor: [layer.Scale!.Value, layer.Scale.Value], mode: InterpolationMode.Nearest),
            LayerOp.LayerNorm => LayerNormUnit.Normalise(x, weight!, bias!, layer.EffectiveEpsilon),
            LayerOp.RmsNorm => RmsNormUnit.Normalise(x, weight!, layer.EffectiveEpsilon),
            LayerOp.Projection => ProjectionUnit.Apply(x, weight!, bias),
            LayerOp.Embedding => EmbeddingUnit.Lookup(x, weight!),
            LayerOp.PositionEmbedding => x + weight!,
            LayerOp.Add when overwriteFirst && sources.All(t => t.shape.SequenceEqual(x.shape)) => sources.Skip(1).Aggregate(x, (sum, t) => sum.add_(t)),
            _ => LayerUnits.Join(layer, sources),
        };
        if (layer.Activation == Activation.Relu) return y.relu_(); // y is this layer's own tensor
        return LayerUnits.Activate(y, layer.Activation);
    }

    // Batch norm after a conv: y = (conv(x) + b - mean) * gamma / sqrt(var + eps) + beta, i.e. a conv with scaled filters.
    private static (Tensor?, Tensor?) Fold(LayerSpec layer, IReadOnlyDictionary<string, Tensor> state)
    {
        string name = layer.Name;
        switch (layer.Op)
        {
            case LayerOp.Conv or LayerOp.DepthwiseConv:
            {
                var weight = state[$"{name}.conv.weight"];
                var bias = state.GetValueOrDefault($"{name}.conv.bias");
                if (!layer.BatchNorm) return (ChannelsLast(weight.detach().clone()), bias?.detach().clone());
                var scale = state[$"{name}.bn.weight"] / (state[$"{name}.bn.running_var"] + LayerUnits.BatchNormEpsilon).sqrt();
                var shift = state[$"{name}.bn.bias"] - state[$"{name}.bn.running_mean"] * scale;
                if (bias is not null) shift = shift + bias * scale;
                return (ChannelsLast(weight * scale.reshape(-1, 1, 1, 1)), shift);
            }
            case LayerOp.Linear or LayerOp.Projection:
                return (state[$"{name}.fc.weight"].detach().clone(), state[$"{name}.fc.bias"].detach().clone());
            case LayerOp.Embedding:
                return (state[$"{name}.embedding.weight"].detach().clone(), null);
            case LayerOp.RmsNorm or LayerOp.PositionEmbedding:
                return (state[$"{name}.weight"].detach().clone(), null);
            case LayerOp.LayerNorm:
                return (state[$"{name}.weight"].detach().clone(), state[$"{name}.bias"].detach().clone());
            default:
                return (null, null);
        }
    }

    public void Dispose()
    {
        foreach (var (weight, bias) in _parameters)
        {
            weight?.Dispose();
            bias?.Dispose();
        }
    }
}
