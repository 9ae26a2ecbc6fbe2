namespace AutoDesign.Modeling.Specs;

/// <summary>A model spec that cannot describe a network; <see cref="Field"/> is the JSON path of the culprit.</summary>
public sealed class ModelSpecException(string field, string reason)
    : ArgumentException($"{field}: {reason}")
{
    public string Field { get; } = field;

    public string Reason { get; } = reason;
}
