namespace AutoDesign.Modeling.Distributed;

/// <summary>The workers of a data-parallel run no longer hold the same network.</summary>
public sealed class ReplicaDivergedException(string message) : Exception(message);
