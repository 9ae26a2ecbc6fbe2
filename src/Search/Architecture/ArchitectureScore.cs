namespace AutoDesign.Search.Architecture;

/// <summary>
/// What evaluating one choice vector gave: the accuracy the search maximises and every measured cost or other figure
/// by name (latency on each device, FLOPs...), from which a job picks its constraint and its other objectives.
/// </summary>
public sealed record ArchitectureScore(double Accuracy, IReadOnlyDictionary<string, double> Metrics);
