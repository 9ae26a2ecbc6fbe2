namespace AutoDesign.Search.Jobs;

/// <summary>A spec's problems, gathered field by field so that every one is reported at once.</summary>
public sealed class SpecErrors
{
    private readonly List<FieldError> _errors = [];

    public int Count => _errors.Count;

    public void Add(string field, string reason) => _errors.Add(new FieldError(field, reason));

    /// <summary>Whether a problem was recorded for the field or one inside it.</summary>
    public bool Has(string field) => _errors.Any(e => e.Field == field || e.Field.StartsWith(field + ".", StringComparison.Ordinal));

    /// <summary>The value <paramref name="resolve"/> gives, or default with its <see cref="ArgumentException"/>'s message recorded for the field.</summary>
    public T? Try<T>(string field, Func<T> resolve)
    {
        try { return resolve(); }
        catch (ArgumentException e)
        {
            Add(field, e.Message);
            return default;
        }
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0) throw new InvalidSpecException([.. _errors]);
    }
}
