namespace AutoDesign.Storage;

/// <summary>An API key, kept only as a SHA-256 hash; the key itself is shown once, when it is created.</summary>
public sealed class ApiKeyRecord
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The key's first characters, to tell keys apart in listings.</summary>
    public required string Prefix { get; set; }

    public required string Hash { get; set; }

    public DateTime CreatedAt { get; set; }
}
