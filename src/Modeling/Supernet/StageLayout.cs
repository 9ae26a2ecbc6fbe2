namespace AutoDesign.Modeling.Supernet;

/// <summary>One stage of a super-network: up to <see cref="MaxDepth"/> inverted residual blocks producing
/// <see cref="Channels"/> channels; the first block applies <see cref="Stride"/>.</summary>
public sealed record StageLayout(int Channels, int MaxDepth, int Stride);
