namespace AutoDesign.Contracts;

/// <summary>One layer of a candidate's network: its shape, what the policy gave it, and its latency on a target.</summary>
public sealed record LayerView(
    string Name,
    string Op,
    string OutputShape,
    int? Channels,
    int? OfChannels,
    int? WBits,
    int? ABits,
    long Macs,
    double? LatencyMs);

/// <summary>A candidate's network layer by layer on one target, with the whole network's latency there.</summary>
public sealed record CandidateLayers(Guid Job, int Candidate, string Target, string TargetKind, double LatencyMs, IReadOnlyList<LayerView> Layers);
