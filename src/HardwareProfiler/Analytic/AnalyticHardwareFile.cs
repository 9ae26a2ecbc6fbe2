using System.Text.Json;
using System.Text.Json.Serialization;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Analytic;

/// <summary>
/// A hardware description a user can copy and edit: a name, which cost model it uses, the precision unquantized
/// networks run at, where its numbers come from, and that model's parameters.
/// </summary>
public sealed record AnalyticHardwareFile
{
    public required string Name { get; init; }

    /// <summary>"bitfusion", "bismo" or "gpu".</summary>
    public required string Model { get; init; }

    public string Description { get; init; } = "";

    public required Precision DefaultPrecision { get; init; }

    /// <summary>Images run together (weights are read once per batch); figures are per image.</summary>
    public int Batch { get; init; } = 1;

    public IReadOnlyList<string> Sources { get; init; } = [];

    public BitFusionParameters? BitFusion { get; init; }

    public BismoParameters? Bismo { get; init; }

    public GpuParameters? Gpu { get; init; }

    public static AnalyticHardwareFile Load(string path)
    {
        string name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new ArgumentException($"{name}: no such hardware description file");
        AnalyticHardwareFile? file;
        try
        {
            file = JsonSerializer.Deserialize<AnalyticHardwareFile>(File.ReadAllText(path), AutoDesignJson.Strict);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{name} {Modeling.Inputs.ParseErrors.Describe(e, Modeling.Inputs.InputFormat.HardwareDescription)}", e);
        }
        if (file is null) throw new ArgumentException($"{name}: empty hardware description");
        if (file.Batch is < 1 or > 4096) throw new ArgumentException($"{name}: 'batch' must be 1 to 4096, not {file.Batch}");
        file.CostModel(name); // validates that the section for its model is present
        return file;
    }

    public ILayerCostModel CostModel(string path = "") => Model switch
    {
        "bitfusion" => new BitFusionModel(BitFusion ?? throw Missing(path, "bitFusion")),
        "bismo" => new BismoModel(Bismo ?? throw Missing(path, "bismo")),
        "gpu" => new GpuRooflineModel(Gpu ?? throw Missing(path, "gpu")),
        _ => throw new ArgumentException($"{path}: model '{Model}' is unknown; use bitfusion, bismo or gpu"),
    };

    private ArgumentException Missing(string path, string section) =>
        new($"{path}: model '{Model}' needs a '{section}' section with its parameters");
}
