using System.Text.Json;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Specs;
using AutoDesign.Silo.Storage;
using Orleans.Placement;

namespace AutoDesign.Silo.Profiling;

[PreferLocalPlacement]
internal sealed class ProfilerGrain(DataFolder folder) : Grain, IProfilerGrain
{
    private readonly Dictionary<string, string> _measured = [];

    /// <summary>The grain key of a target: per owning silo for measured targets, one for computed ones.</summary>
    public static string KeyFor(IHardwareTarget target, string silo) => target.Kind == TargetKind.Measured ? $"{silo}|{target.Name}" : target.Name;

    private string TargetName => this.GetPrimaryKeyString().Split('|')[^1];

    public async Task<string> Measure(string specJson, string? precisionJson)
    {
        var spec = ModelSpecJson.Deserialize(specJson);
        var precision = precisionJson is null ? null : JsonSerializer.Deserialize<PrecisionPolicy>(precisionJson, StoredJson.Options);
        string key = $"{spec.ContentHash()}|{precision?.Key}";
        if (_measured.TryGetValue(key, out var known)) return known;

        // Grain calls are serialised, so one measurement runs on the device at a time; the measurement itself runs
        // off the grain's scheduler so that it does not hold an Orleans thread.
        var target = HardwareTargets.Resolve(TargetName, folder);
        var report = await Task.Run(() => target.Measure(spec, precision));
        return _measured[key] = JsonSerializer.Serialize(report, StoredJson.Options);
    }
}
