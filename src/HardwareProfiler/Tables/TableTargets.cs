namespace AutoDesign.HardwareProfiler.Tables;

/// <summary>Where look-up tables live (the data folder's luts/) and how a <c>lut:</c> name is loaded.</summary>
public static class TableTargets
{
    public static string DirectoryIn(Modeling.DataFolder folder) => Path.Combine(folder.Root, "luts");

    public static string PathOf(string name, Modeling.DataFolder folder) => Path.Combine(DirectoryIn(folder), name + ".json");

    /// <summary>A table by name (luts/NAME.json), or a file: our JSON tables, or Once-for-All / ProxylessNAS YAML block tables.</summary>
    public static Targets.IHardwareTarget Load(string nameOrPath, Modeling.DataFolder folder)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath)) throw new ArgumentException("lut: needs a table name or file");
        if (nameOrPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || nameOrPath.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            return BlockTableTarget.Load(nameOrPath);
        string path = nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? nameOrPath : PathOf(nameOrPath, folder);
        if (!File.Exists(path))
            throw new ArgumentException($"lut:{nameOrPath}: no table at {path}; build one with `autodesign sweep --target <measured target> --name {nameOrPath}`");
        return new TableTarget(LatencyTable.Load(path));
    }
}
