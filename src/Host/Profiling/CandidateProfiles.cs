using AutoDesign.Contracts;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Specs;
using AutoDesign.Host.Hosting;
using AutoDesign.Host.Jobs;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoDesign.Host.Profiling;

/// <summary>A candidate's network layer by layer: shapes, what its policy gave each layer, and latency on a target (from its profiler grain).</summary>
public sealed class CandidateProfiles(
    IDbContextFactory<AutoDesignDb> databases, IGrainFactory grains, DataFolder folder, ILocalSiloDetails silo, IOptions<ServiceOptions> options)
{
    /// <summary>Null for an unknown job or candidate; an unknown target throws <see cref="ArgumentException"/>, a candidate that is no network <see cref="InvalidOperationException"/>.</summary>
    public async Task<CandidateLayers?> Layers(Guid id, int index, string targetName, CancellationToken cancellation = default)
    {
        var target = HardwareTargets.Resolve(targetName, folder);
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellation);
        var record = await db.Candidates.AsNoTracking().SingleOrDefaultAsync(c => c.JobId == id && c.Index == index, cancellation);
        if (job is null || record is null) return null;

        var candidate = record.ToResult();
        var network = StoredPlans.KindOf(job)?.NetworkOf(StoredPlans.Of(job, folder), candidate, folder)
                      ?? throw new InvalidOperationException($"job {id} is of a kind this service does not know");
        var profiler = grains.GetGrain<IProfilerGrain>(ProfilerGrain.KeyFor(target, silo.SiloAddress));
        var report = await profiler.MeasureAsync(network.Spec, network.Precision).WaitAsync(options.Value.ProfileTimeout, cancellation);
        var latency = report.Layers.ToDictionary(l => l.Layer, l => l.Latency.Value);
        var policy = candidate.Policy.ToDictionary(p => p.Layer);
        var tied = candidate.Policy.Where(p => p.TiedLayers is not null).SelectMany(p => p.TiedLayers!.Select(t => (t, p))).ToDictionary(x => x.t, x => x.p);

        var layers = network.Spec.Analyze().Layers.Select(l =>
        {
            var decision = policy.GetValueOrDefault(l.Name) ?? tied.GetValueOrDefault(l.Name);
            var bits = network.Precision?.For(l.Name);
            return new LayerView(l.Name, l.Op.ToString().ToLowerInvariant(), l.OutputShape.ToString(),
                decision?.Channels, decision?.Of, l.Params > 0 ? bits?.WeightBits : null, l.Params > 0 ? bits?.ActivationBits : null,
                l.Macs, latency.TryGetValue(l.Name, out double ms) ? ms : null);
        }).ToList();
        return new CandidateLayers(id, index, target.Name, target.Kind.ToString().ToLowerInvariant(), report.Latency.Value, layers);
    }
}
