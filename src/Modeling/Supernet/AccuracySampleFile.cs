using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// The measured sub-networks of one trained super-network, kept as JSON (the record predictors are retrained from)
/// and written beside it as CSV: one row per sub-network, one column per decision (the chosen value), then accuracy,
/// MACs (FLOPs are twice these) and parameters.
/// </summary>
public sealed record AccuracySampleFile(
    SupernetLayout Layout,
    string Dataset,
    int ValidationImages,
    int RecalibrationImages,
    List<AccuracySample> Samples)
{
    public const string JsonName = "accuracy-samples.json", CsvName = "accuracy-samples.csv";


    /// <summary>Writes the JSON (through a temporary file, so a crash keeps the old one) and the CSV table into <paramref name="directory"/>.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, JsonName);
        File.WriteAllText(path + ".new", JsonSerializer.Serialize(this, AutoDesignJson.Indented));
        File.Move(path + ".new", path, overwrite: true);
        File.WriteAllText(Path.Combine(directory, CsvName), ToCsv());
    }

    public static AccuracySampleFile? TryLoad(string directory)
    {
        string path = Path.Combine(directory, JsonName);
        return File.Exists(path) ? JsonSerializer.Deserialize<AccuracySampleFile>(File.ReadAllText(path), AutoDesignJson.Options) : null;
    }

    public string ToCsv()
    {
        var space = new SubnetSpace(Layout);
        var text = new StringBuilder();
        text.AppendJoin(',', space.Decisions.Select(d => d.Name).Append("accuracy").Append("macs").Append("params")).Append('\n');
        foreach (var sample in Samples)
        {
            var values = sample.Encoding.Select((index, d) => space.Decisions[d].Values[index].ToString(CultureInfo.InvariantCulture));
            text.AppendJoin(',', values.Append(sample.Accuracy.ToString("R", CultureInfo.InvariantCulture))
                .Append(sample.Macs.ToString(CultureInfo.InvariantCulture)).Append(sample.Params.ToString(CultureInfo.InvariantCulture))).Append('\n');
        }
        return text.ToString();
    }
}
