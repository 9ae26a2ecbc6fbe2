using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace AutoDesign.Host.Placement;

/// <summary>
/// Places a grain on the silo its key names: keys of the form <c>{silo}|{rest}</c>, where <c>{silo}</c> is the silo's
/// name as <see cref="Jobs.JobRunner.SiloName"/> writes it, or its endpoint (host:port), which outlives a restart.
/// Grains that stand for something a silo owns (a device, its evaluation workers) live there; a key without a silo is
/// placed on the calling silo.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloBoundPlacement : PlacementStrategy
{
    public const char Separator = '|';

    public static string KeyFor(string silo, string rest) => $"{silo}{Separator}{rest}";

    /// <summary>The silo part of a key, or null if it names none.</summary>
    public static string? SiloOf(string key) => key.IndexOf(Separator) is > 0 and var at ? key[..at] : null;
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloBoundPlacementAttribute() : PlacementAttribute(new SiloBoundPlacement());

internal sealed class SiloBoundPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        string key = target.GrainIdentity.Key.ToString()!;
        if (SiloBoundPlacement.SiloOf(key) is not { } silo) return Task.FromResult(context.LocalSilo);
        var owner = context.GetCompatibleSilos(target).FirstOrDefault(s => s.ToParsableString() == silo || s.Endpoint.ToString() == silo);
        return owner is not null
            ? Task.FromResult(owner)
            : throw new SiloUnavailableException($"silo {silo}, which owns {key}, is not in the cluster");
    }
}
