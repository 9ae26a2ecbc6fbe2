using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;

namespace AutoDesign.Modeling.Supernet;

/// <summary>One sub-network of a saved super-network, saved as an ordinary model: its choice, architecture and where it went.</summary>
public sealed record ExtractedSubnet(string Supernet, string Choice, SubnetChoice Architecture, SavedModel Model);

/// <summary>Saving one sub-network with its inherited weights (batch norm re-estimated) as an ordinary model, with its accuracy.</summary>
public static class SubnetExport
{
    /// <param name="choice">One value index per decision (e.g. 0120..., commas allowed), or 'largest' / 'smallest'.</param>
    /// <param name="target">The folder to save it in (default: beside the super-network, subnet-&lt;choice&gt;).</param>
    public static ExtractedSubnet Extract(string nameOrPath, string choice, string? target, DataFolder folder)
    {
        string directory = SupernetFolders.Require(nameOrPath, folder);
        var saved = SavedSupernet.Load(directory);
        var space = new SubnetSpace(saved.Layout);
        string text = choice.Trim();
        var subnet = text switch
        {
            "largest" => space.Largest,
            "smallest" => space.Smallest,
            _ => space.Decode(Indices(text)),
        };
        string encoded = string.Concat(space.Encode(space.Canonical(subnet)));
        var data = DatasetCatalog.Load(saved.Dataset, folder);
        using var network = saved.CreateNetwork(directory);
        var model = saved.SaveSubnet(network, subnet, data, target ?? Path.Combine(Path.GetDirectoryName(directory)!, $"subnet-{encoded}"));
        return new ExtractedSubnet(directory, encoded, subnet, model);
    }

    private static int[] Indices(string text)
    {
        var parts = text.Contains(',') ? text.Split(',', StringSplitOptions.TrimEntries) : [.. text.Select(c => c.ToString())];
        return [.. parts.Select(p => int.TryParse(p, out int i) ? i : throw new ArgumentException($"--choice: '{p}' is not a value index"))];
    }
}
