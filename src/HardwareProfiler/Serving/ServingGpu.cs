using System.Text.Json;

namespace AutoDesign.HardwareProfiler.Serving;

/// <summary>
/// A GPU as a language-model server sees it: tensor-core peaks per operand precision, the CUDA cores that
/// dequantize and rescale, memory size and bandwidth. Figures are dense peaks from the vendor's datasheet, named
/// in <see cref="Sources"/>.
/// </summary>
public sealed record ServingGpu
{
    public required string Name { get; init; }

    public string Description { get; init; } = "";

    public IReadOnlyList<string> Sources { get; init; } = [];

    public required double TensorFp16Tflops { get; init; }

    public required double TensorInt8Tops { get; init; }

    /// <summary>Null where the tensor cores take no 4-bit operands (H100): W4A4 then widens them to INT8.</summary>
    public double? TensorInt4Tops { get; init; }

    public required double CudaFp32Tflops { get; init; }

    public required double CudaInt32Tops { get; init; }

    /// <summary>INT32-to-FP32 conversions per second (10^12): a quarter or less of the FP32 rate on these GPUs.</summary>
    public required double CudaConversionsTops { get; init; }

    public required double MemoryGigabytes { get; init; }

    public required double MemoryGigabytesPerSecond { get; init; }

    public required double KernelOverheadMicroseconds { get; init; }

    public static string PresetDirectory => Path.Combine(AppContext.BaseDirectory, "presets", "serving");

    /// <summary>The GPUs shipped in presets/serving: <c>serving-a100</c>, <c>serving-l40s</c>, <c>serving-h100</c>.</summary>
    public static IReadOnlyList<string> PresetNames =>
        [.. Directory.EnumerateFiles(PresetDirectory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];

    public static ServingGpu Preset(string name)
    {
        if (!PresetNames.Contains(name, StringComparer.Ordinal))
            throw new ArgumentException($"'{(name.Length <= 40 ? name : name[..40] + "...")}' is not a serving GPU: {string.Join(", ", PresetNames)}", nameof(name));
        var gpu = JsonSerializer.Deserialize<ServingGpu>(File.ReadAllText(Path.Combine(PresetDirectory, name + ".json")), AutoDesignJson.Strict)
            ?? throw new InvalidDataException($"{name}: empty serving GPU description");
        if (gpu.Problems().FirstOrDefault() is { } problem) throw new InvalidDataException($"{name}: {problem}");
        return gpu;
    }

    /// <summary>Each figure no GPU can have, as "field: reason".</summary>
    public IEnumerable<string> Problems()
    {
        (string Field, double Value)[] figures =
        [
            ("tensorFp16Tflops", TensorFp16Tflops), ("tensorInt8Tops", TensorInt8Tops), ("cudaFp32Tflops", CudaFp32Tflops),
            ("cudaInt32Tops", CudaInt32Tops), ("cudaConversionsTops", CudaConversionsTops), ("memoryGigabytes", MemoryGigabytes), ("memoryGigabytesPerSecond", MemoryGigabytesPerSecond),
            ("tensorInt4Tops", TensorInt4Tops ?? 1),
        ];
        foreach (var (field, value) in figures)
            if (!(value > 0 && double.IsFinite(value))) yield return $"{field}: must be a positive number";
        if (!(KernelOverheadMicroseconds >= 0)) yield return "kernelOverheadMicroseconds: must not be negative";
    }
}
