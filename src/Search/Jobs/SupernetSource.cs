using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Pruning;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// The saved super-network a nas job searches, as the validator resolved it: where it lies, its card, the costs every
/// candidate reports (MACs and parameters, and the constraint's latency or energy on its target) and that target.
/// </summary>
public sealed record SupernetSource(string Directory, SavedSupernet Saved, IReadOnlyList<CostMetric> Metrics, IHardwareTarget? Target)
{
    /// <summary>Validation images a sub-network is scored on, and training images its batch norm is re-estimated on.</summary>
    public const int ValidationImages = 2_000, RecalibrationImages = 2_000;

    /// <summary>The folder under the data folder where super-networks are found by name.</summary>
    public static string Root(DataFolder folder) => Path.Combine(folder.Root, "supernets");

    /// <summary>As <see cref="Locate"/>, for commands: a super-network that is not found is an <see cref="ArgumentException"/> saying where it was looked for.</summary>
    public static string Require(string nameOrPath, DataFolder folder) =>
        Locate(nameOrPath, folder) ?? throw new ArgumentException($"no saved super-network '{nameOrPath}' (looked at the path and in {Root(folder)})");

    /// <summary>
    /// A saved super-network named by path (a folder with supernet.json and weights.dat), or by name under the data
    /// folder's supernets/: supernets/NAME itself or supernets/NAME/supernet (where <c>autodesign supernet train</c> saves).
    /// </summary>
    public static string? Locate(string nameOrPath, DataFolder folder)
    {
        if (SavedSupernet.IsSavedSupernet(nameOrPath)) return Path.GetFullPath(nameOrPath);
        if (Path.IsPathRooted(nameOrPath)) return null;
        string underData = Path.Combine(Root(folder), nameOrPath);
        if (SavedSupernet.IsSavedSupernet(underData)) return underData;
        string trained = Path.Combine(underData, "supernet");
        return SavedSupernet.IsSavedSupernet(trained) ? trained : null;
    }
}
