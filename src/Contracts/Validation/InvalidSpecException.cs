namespace AutoDesign.Contracts;

/// <summary>
/// A request that cannot be carried out as given — a job spec, a sweep, an upload; <see cref="Errors"/> names every bad
/// field. Over HTTP it is a 400 with the errors per field; on the command line, one line per field.
/// </summary>
public sealed class InvalidSpecException(IReadOnlyList<FieldError> errors) : Exception(string.Join("; ", errors))
{
    public InvalidSpecException(string field, string reason) : this([new FieldError(field, reason)])
    {
    }

    public IReadOnlyList<FieldError> Errors { get; } = errors;

    /// <summary>The errors grouped by field, as problem details carry them.</summary>
    public IDictionary<string, string[]> ByField() =>
        Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray());
}
