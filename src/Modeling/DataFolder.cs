using AutoDesign.Modeling.Inputs;

namespace AutoDesign.Modeling;

/// <summary>
/// Where AutoDesign keeps what it fetches and makes: data sets, trained models, later the database.
/// Defaults to ~/.autodesign; the AUTODESIGN_DATA_DIR variable or a command's --data-dir moves it.
/// </summary>
public sealed record DataFolder(string Root)
{
    public const string EnvironmentVariable = "AUTODESIGN_DATA_DIR";

    public static DataFolder Default()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return new DataFolder(Path.GetFullPath(fromEnvironment));
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new DataFolder(Path.Combine(string.IsNullOrEmpty(home) ? Directory.GetCurrentDirectory() : home, ".autodesign"));
    }

    /// <summary>Which paths named by a caller may be read (anywhere for the CLI; confined for the service).</summary>
    public InputAccess Access { get; init; } = InputAccess.Anywhere;

    /// <summary>The gate every path a caller names goes through.</summary>
    public InputFiles Inputs => new(this);

    public string Datasets => Path.Combine(Root, "datasets");

    public string Models => Path.Combine(Root, "models");

    /// <summary>
    /// A path as a stored plan keeps it: relative to this folder when it lies in it (so a silo with a data folder of its
    /// own resolves it there), absolute otherwise.
    /// </summary>
    public string Portable(string path)
    {
        string full = Path.GetFullPath(path), relative = Path.GetRelativePath(Root, full);
        return relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    /// <summary>The absolute path of a <see cref="Portable"/> one.</summary>
    public string Resolve(string portable) => Path.GetFullPath(Path.Combine(Root, portable));
}
