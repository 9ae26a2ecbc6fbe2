using System.CommandLine;
using AutoDesign.Modeling;

namespace AutoDesign.Cli;

/// <summary>Options every command shares.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json")
    {
        Description = "Print exactly one JSON object on stdout (progress and logs go to stderr).",
    };

    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = $"Data folder for data sets and models (default: ${DataFolder.EnvironmentVariable} or ~/.autodesign).",
    };

    public static DataFolder Folder(string? dataDir) =>
        string.IsNullOrWhiteSpace(dataDir) ? DataFolder.Default() : new DataFolder(Path.GetFullPath(dataDir));
}
