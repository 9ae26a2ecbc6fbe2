using AutoDesign.Modeling.Quantization.Formats;
using AutoDesign.Modeling.Sparsity;
using AutoDesign.Modeling.Specs;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AutoDesign.Modeling.Torch;

/// <summary>
/// The TorchSharp module built from a <see cref="ModelSpec"/>: one submodule per layer, named after it, run in the
/// spec's order with each layer reading the outputs it names.
/// </summary>
public sealed class SpecNetwork : Module<Tensor, Tensor>
{
    private readonly LayerSpec[] _layers;
    private readonly int[][] _inputs; // indices of the outputs each layer reads; -1 is the network input
    private readonly int[] _lastReader; // the last layer that reads each output (its own index when none does)
    private readonly Module<Tensor, Tensor>?[] _units;

    static SpecNetwork() => TorchRuntime.EnsureInitialized();

    public SpecNetwork(ModelSpec spec) : base(spec.Name)
    {
        Spec = spec;
        Analysis = spec.Analyze();
        _layers = [.. spec.Layers];
        var index = _layers.Select((l, i) => (l.Name, i)).ToDictionary(p => p.Name, p => p.i);
        _inputs = _layers.Select((_, i) => spec.InputsOf(i) is { Count: > 0 } names ? names.Select(n => index[n]).ToArray() : [-1]).ToArray();
        _lastReader = [.. _layers.Select((_, j) => _inputs.Select((sources, i) => sources.Contains(j) ? i : j).Max())];
        _units = _layers.Select((l, i) => LayerUnits.Create(l, Analysis.Layers[i])).ToArray();
        foreach (var unit in _units)
            if (unit is not null) register_module(unit.GetName(), unit);
        Sparsify(null);
    }

    /// <summary>Batch norm's epsilon in every layer (for exporters that fold it away).</summary>
    public const double BatchNormEpsilon = LayerUnits.BatchNormEpsilon;

    public ModelSpec Spec { get; }

    public ModelAnalysis Analysis { get; }

    /// <summary>
    /// Fake-quantizes the named layers (null or a missing layer: float). Quantized layers quantize their input and
    /// weights in the forward pass and pass gradients straight through, so the network can be fine-tuned as is.
    /// </summary>
    public void Quantize(IReadOnlyDictionary<string, Quantization.LayerQuantization>? layers)
    {
        Quantization = layers is null ? null : new Dictionary<string, Quantization.LayerQuantization>(layers);
        for (int i = 0; i < _layers.Length; i++)
            if (_units[i] is IQuantizable unit)
                unit.Quantization = layers is not null && layers.TryGetValue(_layers[i].Name, out var q) ? q : null;
    }

    /// <summary>The fake quantization of each quantized layer (null: the network runs in float).</summary>
    public IReadOnlyDictionary<string, Quantization.LayerQuantization>? Quantization { get; private set; }

    /// <summary>
    /// Runs the named projections in their prepared serving formats and the named attention layers' caches in theirs
    /// (null or a missing layer: float). The caller owns the prepared kernels.
    /// </summary>
    public void Deploy(IReadOnlyDictionary<string, QuantizedProjection>? projections, IReadOnlyDictionary<string, KvCacheQuantizer>? caches)
    {
        for (int i = 0; i < _layers.Length; i++)
            if (_units[i] is ProjectionUnit unit)
                unit.Format = projections is not null && projections.TryGetValue(_layers[i].Name, out var kernel) ? kernel : null;
        _caches = caches is null ? [] : new Dictionary<string, KvCacheQuantizer>(caches);
    }

    private Dictionary<string, KvCacheQuantizer> _caches = [];

    private Dictionary<string, IReadOnlyList<HeadPattern>> _heads = [];

    /// <summary>
    /// Runs the named attention layers with a pattern per key/value head (<see cref="HeadPattern"/>) in place of
    /// their spec's (<see cref="LayerSpec.Heads"/>; null: the spec's again), so that a search tries patterns without
    /// rebuilding the network. A pattern that cannot apply to its layer is a <see cref="ModelSpecException"/> naming it.
    /// </summary>
    public void Sparsify(IReadOnlyDictionary<string, IReadOnlyList<HeadPattern>>? heads)
    {
        var chosen = new Dictionary<string, IReadOnlyList<HeadPattern>>();
        for (int i = 0; i < _layers.Length; i++)
        {
            var layer = _layers[i];
            if (layer.Op != LayerOp.Attention) continue;
            var map = Analysis.Layers[i].InputShape;
            int keyHeads = Analysis[Spec.InputsOf(i)[1]].OutputShape.Channels / layer.HeadSize!.Value;
            if (heads?.GetValueOrDefault(layer.Name) is { } patterns) HeadPatterns.Check(patterns, $"heads.{layer.Name}", keyHeads, map.Height, map.Width, layer.Causal);
            else patterns = HeadPatterns.Read(layer.Heads, layer.Name, keyHeads, map.Height, map.Width, layer.Causal);
            chosen[layer.Name] = patterns;
        }
        if (heads?.Keys.FirstOrDefault(name => !chosen.ContainsKey(name)) is { } unknown)
            throw new ModelSpecException($"heads.{unknown}", $"{Spec.Name} has no attention layer of that name");
        _heads = chosen;
    }

    private IHeadChooser? _chooser;

    /// <summary>
    /// Lets <paramref name="chooser"/> pick every attention layer's head patterns in each forward pass, from the layer's
    /// own queries, keys and values as the pass reaches it (Sparse VideoGen's online profiling,
    /// <see cref="OnlineProfiling"/>), in place of the patterns set; null: the set patterns again.
    /// </summary>
    public void ChooseHeadsOnline(IHeadChooser? chooser) => _chooser = chooser;

    /// <summary>The serving format a projection runs in (null: float or fake-quantized).</summary>
    public QuantizedProjection? DeployedFormat(string layer)
    {
        int index = Array.FindIndex(_layers, l => l.Name == layer);
        return index >= 0 && _units[index] is ProjectionUnit unit ? unit.Format : null;
    }

    /// <summary>An attention layer's pattern for each key/value head, as it runs now.</summary>
    public IReadOnlyList<HeadPattern> HeadPatternsOf(string layer) => _heads[layer];

    /// <summary>How an attention layer's KV cache is stored when deployed (null: as computed).</summary>
    public KvCacheQuantizer? DeployedCache(string layer) => _caches.GetValueOrDefault(layer);

    /// <summary>A projection's weight (out x in) and bias, for preparing it in a serving format.</summary>
    public (Tensor Weight, Tensor? Bias) ProjectionWeights(string layer)
    {
        int index = Array.FindIndex(_layers, l => l.Name == layer);
        return index >= 0 && _units[index] is ProjectionUnit unit
            ? (unit.Weight, unit.Bias)
            : throw new ArgumentException($"'{layer}' is not a projection of {Spec.Name}", nameof(layer));
    }

    public override Tensor forward(Tensor input) => Run(input, null, keepAll: false)[^1];

    /// <summary>
    /// Runs the network, calling <paramref name="beforeLayer"/> with each layer's name and (first) input just before it
    /// runs; the input is released once the pass no longer needs it, so the callback must not keep it.
    /// </summary>
    public Tensor Forward(Tensor input, Action<string, Tensor> beforeLayer) => Run(input, beforeLayer, keepAll: false)[^1];

    /// <summary>Runs the network and returns every layer's output, keyed by layer name (for refits and diagnostics).</summary>
    public IReadOnlyDictionary<string, Tensor> ForwardAll(Tensor input)
    {
        var outputs = Run(input, null, keepAll: true);
        return _layers.Select((l, i) => (l.Name, outputs[i])).ToDictionary(p => p.Name, p => p.Item2);
    }

    private Tensor[] Run(Tensor input, Action<string, Tensor>? beforeLayer, bool keepAll)
    {
        var outputs = new Tensor[_layers.Length];
        Tensor Read(int source) => source < 0 ? input : outputs[source];
        for (int i = 0; i < _layers.Length; i++)
        {
            var sources = _inputs[i];
            beforeLayer?.Invoke(_layers[i].Name, Read(sources[0]));
            var name = _layers[i].Name;
            using (var layerScope = keepAll ? null : NewDisposeScope())
            {
                var output = _units[i] is { } unit
                    ? unit.forward(Read(sources[0]))
                    : LayerUnits.Activate(LayerUnits.Join(_layers[i], [.. sources.Select(Read)], _caches.GetValueOrDefault(name), _heads.GetValueOrDefault(name), _chooser), _layers[i].Activation);
                // A layer may hand back a tensor it was given: that one belongs to a scope further out already.
                outputs[i] = layerScope is null || Array.Exists(sources, source => ReferenceEquals(Read(source), output)) ? output : output.MoveToOuterDisposeScope();
            }
            if (!keepAll) Release(outputs, input, i);
        }
        return outputs;
    }

    // Frees the outputs that no layer after `done` reads, as PyTorch frees a tensor with its last reference (each layer's
    // own intermediates go with its scope): otherwise every tensor of a pass lives until the caller's dispose scope ends,
    // gigabytes for a 500-image batch.
    // A layer may return the very tensor it was given, so a tensor another output still holds is kept.
    private void Release(Tensor[] outputs, Tensor input, int done)
    {
        for (int j = 0; j <= done; j++)
        {
            if (outputs[j] is not { } output || _lastReader[j] != done || j == outputs.Length - 1) continue;
            outputs[j] = null!;
            if (!ReferenceEquals(output, input) && !Array.Exists(outputs, o => ReferenceEquals(o, output))) output.Dispose();
        }
    }
}
