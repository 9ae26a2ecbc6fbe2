using AutoDesign.Search.Jobs;

namespace AutoDesign.Host.Sweeps;

/// <summary>A request with bad fields; each is named with its reason.</summary>
public sealed class InvalidFieldsException(IReadOnlyList<FieldError> errors) : Exception(string.Join("; ", errors))
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;
}
