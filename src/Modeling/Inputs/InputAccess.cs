using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Inputs;

/// <summary>
/// Which paths a caller may have read. The service confines the paths a request names to the data folder and the roots
/// an operator lists; the CLI, run by users on their own machine, reads whatever they point it at.
/// </summary>
public sealed class InputAccess
{
    private InputAccess(IReadOnlyList<string>? roots, ModelLimits limits) => (Roots, ModelLimits) = (roots, limits);

    /// <summary>Any path, relative ones from the working directory (the CLI).</summary>
    public static InputAccess Anywhere { get; } = new(null, ModelLimits.Default);

    /// <summary>Only paths inside these folders (symbolic links resolved), relative ones from the first.</summary>
    public static InputAccess Within(IEnumerable<string> roots, ModelLimits? limits = null)
    {
        var real = roots.Select(r => FileSystemCalls.RealPath(Path.GetFullPath(r)) ?? Path.GetFullPath(r)).Distinct().ToList();
        return real.Count > 0 ? new InputAccess(real, limits ?? ModelLimits.Default) : throw new ArgumentException("confined access needs at least one root");
    }

    /// <summary>How large a network a caller names or sends may be.</summary>
    public ModelLimits ModelLimits { get; }

    /// <summary>The allowed roots, or null when any path may be read.</summary>
    public IReadOnlyList<string>? Roots { get; }

    public bool IsConfined => Roots is not null;

    internal bool Allows(string fullPath) => Roots is null || Roots.Any(root => IsInside(fullPath, root));

    private static bool IsInside(string path, string root)
    {
        string relative = Path.GetRelativePath(root, path);
        return relative == "." || !(relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative));
    }
}
