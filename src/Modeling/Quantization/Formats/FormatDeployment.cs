using AutoDesign.Modeling.Torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// A network's layers prepared in serving formats from one calibration, each (layer, format) prepared once and kept,
/// so that a search trying many policies pays for AWQ's search or an SVD only the first time a layer meets it.
/// </summary>
public sealed class FormatKernels(SpecNetwork network, FormatCalibration calibration, FormatSettings settings) : IDisposable
{
    private readonly Dictionary<(string, ProjectionFormat), QuantizedProjection> _projections = [];
    private readonly Dictionary<(string, KvCacheFormat), KvCacheQuantizer> _caches = [];

    public SpecNetwork Network => network;

    public QuantizedProjection Projection(string layer, ProjectionFormat format)
    {
        if (_projections.TryGetValue((layer, format), out var kernel)) return kernel;
        var (weight, bias) = network.ProjectionWeights(layer);
        return _projections[(layer, format)] = QuantizedProjection.Prepare(format, weight, bias, calibration.Projection(layer), settings);
    }

    public KvCacheQuantizer Cache(string layer, KvCacheFormat format)
    {
        if (_caches.TryGetValue((layer, format), out var cache)) return cache;
        var spec = network.Spec.Layer(layer);
        return _caches[(layer, format)] = new KvCacheQuantizer(format, format.Smooth ? calibration.KeyMaxima(layer) : null, spec.HeadSize!.Value, spec.Rotary, settings.SmoothAttentionAlpha);
    }

    /// <summary>Runs the network in <paramref name="policy"/>'s formats until the deployment is disposed.</summary>
    public FormatDeployment Deploy(FormatPolicy policy)
    {
        var spec = network.Spec;
        policy.Validate(spec);
        var projections = FormatPolicy.QuantizableProjections(spec).ToDictionary(name => name, name => Projection(name, policy.For(name)));
        var caches = FormatPolicy.AttentionLayers(spec).ToDictionary(name => name, name => Cache(name, policy.CacheFor(name)));
        return new FormatDeployment(network, projections, caches);
    }

    public void Dispose()
    {
        foreach (var kernel in _projections.Values) kernel.Dispose();
        foreach (var cache in _caches.Values) cache.Dispose();
        _projections.Clear();
        _caches.Clear();
    }
}

/// <summary>A network running in serving formats; disposing it returns the network to float.</summary>
public sealed class FormatDeployment : IDisposable
{
    private readonly SpecNetwork _network;

    internal FormatDeployment(SpecNetwork network, IReadOnlyDictionary<string, QuantizedProjection> projections, IReadOnlyDictionary<string, KvCacheQuantizer> caches)
    {
        _network = network;
        network.Deploy(projections, caches);
    }

    public void Dispose() => _network.Deploy(null, null);
}
