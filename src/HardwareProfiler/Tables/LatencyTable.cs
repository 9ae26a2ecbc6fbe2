using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoDesign.HardwareProfiler.Tables;

/// <summary>Observations of one key: how many, their mean and (population) variance, in the table's unit.</summary>
public sealed record TableEntry(long Count, double Mean, double Variance)
{
    /// <summary>The entry after one more observation (Welford's update).</summary>
    public TableEntry With(double value)
    {
        long count = Count + 1;
        double delta = value - Mean;
        double mean = Mean + delta / count;
        double variance = (Variance * Count + delta * (value - mean)) / count;
        return new TableEntry(count, mean, variance);
    }
}

/// <summary>
/// A per-layer latency look-up table: layer keys (see <see cref="LayerKey"/>) to measured latency, built by a
/// sweep on a measured target and saved as JSON, so that a network's latency can be estimated without the device.
/// </summary>
public sealed class LatencyTable
{

    public required string Name { get; init; }

    /// <summary>The target the figures were measured on and its conditions (batch, threads...).</summary>
    public required string Source { get; init; }

    public string Unit { get; init; } = "ms";

    /// <summary>The default bit-widths of the sweep (what networks without a policy are looked up at).</summary>
    public Modeling.Specs.Precision Precision { get; init; } = Modeling.Specs.Precision.Float32;

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public Dictionary<string, TableEntry> Entries { get; init; } = [];

    public void Add(string key, double value) =>
        Entries[key] = Entries.TryGetValue(key, out var entry) ? entry.With(value) : new TableEntry(1, value, 0);

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, AutoDesignJson.Indented));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static LatencyTable Load(string path)
    {
        string name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new ArgumentException($"{name}: no such look-up table");
        try
        {
            var table = JsonSerializer.Deserialize<LatencyTable>(File.ReadAllText(path), AutoDesignJson.Strict) ?? throw new ArgumentException($"{name}: empty look-up table");
            foreach (var (key, entry) in table.Entries)
                if (entry.Count < 1 || !double.IsFinite(entry.Mean) || entry.Mean < 0 || entry.Variance < 0)
                    throw new ArgumentException($"{name}: entry '{key}' needs count >= 1, a non-negative mean and variance");
            return table;
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{name} {Modeling.Inputs.ParseErrors.Describe(e, Modeling.Inputs.InputFormat.LatencyTable)}", e);
        }
    }
}
