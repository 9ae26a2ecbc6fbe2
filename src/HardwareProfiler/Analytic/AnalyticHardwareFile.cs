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
        if (file.Problems().FirstOrDefault() is { } problem) throw new ArgumentException($"{name}: {problem}");
        return file;
    }

    /// <summary>Each figure that no hardware can have (a zero buffer or bandwidth, a negative energy), as "field: reason".</summary>
    public IEnumerable<string> Problems()
    {
        var figures = new List<(string Field, double Value, bool MayBeZero)>();
        void Memory(string section, EnergyParameters m) =>
            figures.AddRange([($"{section}.memory.sramPicojoulesPerByte", m.SramPicojoulesPerByte, true), ($"{section}.memory.dramPicojoulesPerByte", m.DramPicojoulesPerByte, true)]);
        if (Model == "bitfusion" && BitFusion is { } f)
        {
            figures.AddRange([("bitFusion.fusionUnits", f.FusionUnits, false), ("bitFusion.bitBricksPerUnit", f.BitBricksPerUnit, false),
                ("bitFusion.frequencyMegahertz", f.FrequencyMegahertz, false), ("bitFusion.maxBits", f.MaxBits, false),
                ("bitFusion.weightBufferKilobytes", f.WeightBufferKilobytes, false), ("bitFusion.inputBufferKilobytes", f.InputBufferKilobytes, false),
                ("bitFusion.dramGigabytesPerSecond", f.DramGigabytesPerSecond, false), ("bitFusion.brickPicojoules", f.BrickPicojoules, true)]);
            Memory("bitFusion", f.Memory);
        }
        if (Model == "bismo" && Bismo is { } b)
        {
            figures.AddRange([("bismo.dm", b.Dm, false), ("bismo.dk", b.Dk, false), ("bismo.dn", b.Dn, false),
                ("bismo.frequencyMegahertz", b.FrequencyMegahertz, false), ("bismo.maxBits", b.MaxBits, false),
                ("bismo.weightBufferKilobytes", b.WeightBufferKilobytes, false), ("bismo.inputBufferKilobytes", b.InputBufferKilobytes, false),
                ("bismo.dramGigabytesPerSecond", b.DramGigabytesPerSecond, false), ("bismo.binaryOpPicojoules", b.BinaryOpPicojoules, true)]);
            Memory("bismo", b.Memory);
        }
        if (Model == "gpu" && Gpu is { } g)
        {
            figures.AddRange([("gpu.fp32Tflops", g.Fp32Tflops, false), ("gpu.fp16Tflops", g.Fp16Tflops, false),
                ("gpu.memoryGigabytesPerSecond", g.MemoryGigabytesPerSecond, false), ("gpu.kernelOverheadMicroseconds", g.KernelOverheadMicroseconds, true)]);
            if (g.Int8Tops is { } int8) figures.Add(("gpu.int8Tops", int8, false));
            if (g.Int4Tops is { } int4) figures.Add(("gpu.int4Tops", int4, false));
            if (g.MacPicojoules.Length != 4) yield return $"gpu.macPicojoules: needs 4 figures (fp32, fp16, int8, int4), got {g.MacPicojoules.Length}";
            figures.AddRange(g.MacPicojoules.Select((e, i) => ($"gpu.macPicojoules[{i}]", e, true)));
            Memory("gpu", g.Memory);
        }
        foreach (var (field, value, mayBeZero) in figures)
            if (!double.IsFinite(value) || value < 0 || (value == 0 && !mayBeZero))
                yield return $"{field}: must be {(mayBeZero ? "zero or more" : "more than zero")}, got {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
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
