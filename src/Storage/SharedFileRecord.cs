namespace AutoDesign.Storage;

/// <summary>
/// A file of a silo's data folder that other silos may need (a base model, an uploaded model, a job's best network,
/// a look-up table), kept in the shared database so that a silo on another machine can fetch it.
/// </summary>
public sealed class SharedFileRecord
{
    /// <summary>The file's path relative to the data folder, with '/' separators.</summary>
    public required string Path { get; set; }

    public required byte[] Content { get; set; }

    public required string Sha256 { get; set; }

    public DateTime SavedAt { get; set; }
}
