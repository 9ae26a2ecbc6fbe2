using System.Collections.Concurrent;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Targets;

/// <summary>Remembers a target's reports by (spec hash, precision): a search asks for the same network many times.</summary>
public sealed class CachedTarget(IHardwareTarget inner) : IHardwareTarget
{
    private readonly ConcurrentDictionary<(string Spec, string Precision), Lazy<CostReport>> _reports = new();

    public string Name => inner.Name;

    public TargetKind Kind => inner.Kind;

    public string Description => inner.Description;

    public PrecisionPolicy DefaultPrecision => inner.DefaultPrecision;

    public IHardwareTarget Inner => inner;

    public CostReport Measure(ModelSpec spec, PrecisionPolicy? precision = null)
    {
        var key = (spec.ContentHash(), precision?.Key ?? "");
        var lazy = _reports.GetOrAdd(key, _ => new Lazy<CostReport>(() => inner.Measure(spec, precision)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _reports.TryRemove(new KeyValuePair<(string, string), Lazy<CostReport>>(key, lazy));
            throw;
        }
    }
}
