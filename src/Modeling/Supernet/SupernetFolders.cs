namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// Where super-networks live in the data folder: <c>supernets/NAME/</c>, with <c>training/</c> (checkpoints),
/// <c>supernet/</c> (the trained result a nas spec names) and the sub-networks and samples taken from it.
/// </summary>
public static class SupernetFolders
{
    /// <summary>Validation images a sub-network is scored on, and training images its batch norm is re-estimated on.</summary>
    public const int ValidationImages = 2_000, RecalibrationImages = 2_000;

    public static string Root(DataFolder folder) => Path.Combine(folder.Root, "supernets");

    /// <summary>As <see cref="Locate"/>, for commands: a super-network that is not found is an <see cref="ArgumentException"/> saying where it was looked for.</summary>
    public static string Require(string nameOrPath, DataFolder folder) =>
        Locate(nameOrPath, folder) ?? throw new ArgumentException($"no saved super-network '{nameOrPath}' (looked at the path and in the data folder's supernets/)");

    /// <summary>
    /// A saved super-network named by path (a folder with supernet.json and weights.dat), or by name under the data
    /// folder's supernets/: supernets/NAME itself or supernets/NAME/supernet (where <c>autodesign supernet train</c> saves).
    /// </summary>
    public static string? Locate(string nameOrPath, DataFolder folder)
    {
        if (folder.Inputs.FindDirectory(nameOrPath) is { } given && SavedSupernet.IsSavedSupernet(given)) return given;
        if (Path.IsPathRooted(nameOrPath)) return null;
        if (folder.Inputs.FindDirectory(Path.Combine(Root(folder), nameOrPath)) is not { } underData) return null;
        if (SavedSupernet.IsSavedSupernet(underData)) return underData;
        string trained = Path.Combine(underData, "supernet");
        return SavedSupernet.IsSavedSupernet(trained) ? trained : null;
    }

    /// <summary>The names of the super-networks trained into the data folder, as a spec's <c>supernet</c> takes them.</summary>
    public static IReadOnlyList<string> Names(DataFolder folder) =>
        Directory.Exists(Root(folder))
            ? [.. Directory.GetDirectories(Root(folder)).Select(Path.GetFileName).OfType<string>().Where(n => Locate(n, folder) is not null).Order()]
            : [];
}
