using AutoDesign.Search.Jobs;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Specs;
using AutoDesign.Host.Jobs;
using AutoDesign.Host.Placement;
using AutoDesign.Storage;

namespace AutoDesign.Host.Profiling;

/// <summary>What a profiler grain measured, kept in the database (Orleans grain state) so a restarted silo does not measure again.</summary>
public sealed class ProfilerMeasurements
{
    public Dictionary<string, Measurement> Reports { get; set; } = [];
}

public sealed record Measurement(CostReport Report, DateTime MeasuredAt);

/// <summary>
/// A measured target's grain lives on the silo that owns the device (its key names the silo), so one measurement
/// runs on the device at a time; a computed target's grain is placed on the silo that calls it. Reports are kept for
/// <see cref="MaxAge"/>, after which the device is measured again (a device's speed drifts; sweeps track that).
/// </summary>
[SiloBoundPlacement]
internal sealed class ProfilerGrain(
    DataFolder folder,
    ILocalSiloDetails silo,
    [PersistentState("profiles")] IPersistentState<ProfilerMeasurements> measurements) : Grain, IProfilerGrain
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    /// <summary>
    /// The grain key of a target: per owning silo's endpoint for measured targets (so that a silo restarted on the same
    /// address finds what it measured), one for computed ones.
    /// </summary>
    public static string KeyFor(IHardwareTarget target, SiloAddress owner) =>
        target.Kind == TargetKind.Measured ? SiloBoundPlacement.KeyFor(owner.Endpoint.ToString(), target.Name) : target.Name;

    private string TargetName => this.GetPrimaryKeyString().Split(SiloBoundPlacement.Separator)[^1];

    public async Task<CostReport> MeasureAsync(ModelSpec spec, PrecisionPolicy? precision)
    {
        string key = $"{spec.ContentHash()}|{precision?.Key}";
        var reports = measurements.State.Reports;
        if (reports.TryGetValue(key, out var known) && DateTime.UtcNow - known.MeasuredAt < MaxAge) return known.Report;

        // Grain calls are serialised, so one measurement runs on the device at a time; the measurement itself runs on a
        // thread of its own so that it holds neither an Orleans thread nor the thread pool.
        var target = HardwareTargets.Resolve(TargetName, folder);
        var report = await OwnThread.RunAsync(() => target.Measure(spec, precision)) with { MeasuredOn = JobRunner.SiloName(silo) };
        foreach (var stale in reports.Where(r => DateTime.UtcNow - r.Value.MeasuredAt >= MaxAge).Select(r => r.Key).ToList()) reports.Remove(stale);
        reports[key] = new Measurement(report, DateTime.UtcNow);
        await measurements.WriteStateAsync();
        return report;
    }
}
