using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>
/// A network running a <see cref="FormatPolicy"/>: every projection prepared in its format, every attention layer's
/// cache in its own. Disposing it returns the network to float.
/// </summary>
public sealed class FormatDeployment : IDisposable
{
    private readonly SpecNetwork _network;
    private readonly Dictionary<string, QuantizedProjection> _projections = [];
    private readonly Dictionary<string, KvCacheQuantizer> _caches = [];

    public FormatDeployment(SpecNetwork network, FormatPolicy policy, FormatCalibration calibration, FormatSettings settings)
    {
        var spec = network.Spec;
        policy.Validate(spec);
        _network = network;
        foreach (var name in FormatPolicy.QuantizableProjections(spec))
        {
            var (weight, bias) = network.ProjectionWeights(name);
            _projections[name] = QuantizedProjection.Prepare(policy.For(name), weight, bias, calibration.Projection(name), settings);
        }
        foreach (var name in FormatPolicy.AttentionLayers(spec))
        {
            var format = policy.CacheFor(name);
            var layer = spec.Layer(name);
            _caches[name] = new KvCacheQuantizer(format, format.Smooth ? calibration.KeyMaxima(name) : null, layer.HeadSize!.Value, layer.Rotary, settings.SmoothAttentionAlpha);
        }
        network.Deploy(_projections, _caches);
    }

    public void Dispose()
    {
        _network.Deploy(null, null);
        foreach (var projection in _projections.Values) projection.Dispose();
        foreach (var cache in _caches.Values) cache.Dispose();
        _projections.Clear();
        _caches.Clear();
    }
}
