namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// The budget and settings of one progressive-shrinking phase: a fresh SGD optimizer whose learning rate falls from
/// <see cref="LearningRate"/> to zero over the phase (cosine); each step averages the gradients of
/// <see cref="SubnetsPerStep"/> sampled sub-networks; with <see cref="Distillation"/> above zero, each one's loss
/// adds that weight times the cross-entropy against the full network's soft predictions (the network as it was after
/// the full phase).
/// </summary>
public sealed record PhaseOptions
{
    public int Epochs { get; init; } = 1;

    public double LearningRate { get; init; } = 0.03;

    public int SubnetsPerStep { get; init; } = 1;

    public double Distillation { get; init; }

    public string? Problem(string phase) =>
        Epochs < 0 ? $"{phase}: epochs must not be negative, got {Epochs}"
        : !(LearningRate > 0) || double.IsInfinity(LearningRate) ? $"{phase}: learning rate must be positive, got {LearningRate}"
        : SubnetsPerStep < 1 ? $"{phase}: sub-networks per step must be at least 1, got {SubnetsPerStep}"
        : !(Distillation >= 0) || double.IsInfinity(Distillation) ? $"{phase}: distillation weight must be zero or positive, got {Distillation}"
        : null;
}
