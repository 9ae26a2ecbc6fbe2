namespace AutoDesign.Contracts;

/// <summary>One problem with a request: the JSON path of the field (e.g. <c>constraint.ratio</c>) and the reason.</summary>
public sealed record FieldError(string Field, string Reason)
{
    public override string ToString() => $"{Field}: {Reason}";
}
