namespace AutoDesign.Search.Jobs;

/// <summary>One problem with a job spec: the JSON path of the field and the reason.</summary>
public sealed record FieldError(string Field, string Reason)
{
    public override string ToString() => $"{Field}: {Reason}";
}

/// <summary>A job spec that cannot run; <see cref="Errors"/> names every bad field.</summary>
public sealed class JobSpecException(IReadOnlyList<FieldError> errors)
    : Exception(string.Join("; ", errors))
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;
}
