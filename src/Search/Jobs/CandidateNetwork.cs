using AutoDesign.Modeling.Specs;

namespace AutoDesign.Search.Jobs;

/// <summary>The network a candidate stands for: its spec, and the bits it runs at (null: the target's own precision).</summary>
public sealed record CandidateNetwork(ModelSpec Spec, PrecisionPolicy? Precision);
