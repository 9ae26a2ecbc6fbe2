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
        var format = Modeling.Inputs.InputFormat.LatencyTable;
        if (nameOrPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || nameOrPath.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            return BlockTableTarget.Load(folder.Inputs.File(nameOrPath, format));
        bool isFile = nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        string? path = folder.Inputs.FindFile(isFile ? nameOrPath : PathOf(nameOrPath, folder), format);
        if (path is null)
            throw new ArgumentException(isFile
                ? $"lut:{nameOrPath}: no such file"
                : $"lut:{nameOrPath}: no table named so in the data folder's luts/; build one with `autodesign sweep --target <measured target> --name {nameOrPath}`");
        return new TableTarget(LatencyTable.Load(path));
    }
}
