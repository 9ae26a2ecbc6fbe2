namespace AutoDesign.Dashboard.Api;

/// <summary>What a change through the API came to: done, refused with a reason per field, refused for want of a key, or another problem.</summary>
public abstract record ApiOutcome<T>
{
    public sealed record Done(T Value) : ApiOutcome<T>;

    /// <summary>400: the API's own messages, per field (the same a REST client gets).</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : ApiOutcome<T>;

    /// <summary>401: the server wants an API key, or the one given is not valid.</summary>
    public sealed record NeedsKey(string Reason) : ApiOutcome<T>;

    public sealed record Failed(int Status, string Reason) : ApiOutcome<T>;
}
