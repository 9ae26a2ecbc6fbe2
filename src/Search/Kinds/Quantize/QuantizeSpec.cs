using System.Text.Json.Serialization;
using AutoDesign.Modeling.Quantization;
using AutoDesign.Search.Kinds.Common;

namespace AutoDesign.Search.Kinds.Quantize;

/// <summary>
/// A mixed-precision job (HAQ): the weight and activation bits of each layer of a trained model, under a latency,
/// energy or model-size budget relative to the W8A8 model, e.g. <c>{"kind":"quantize","model":"lenet5",
/// "dataset":"mnist","agent":"ddpg","constraint":{"metric":"latency","target":"bitfusion","ratio":0.5},
/// "budget":{"episodes":60}}</c>.
/// </summary>
public sealed record QuantizeSpec : ModelJobSpec
{
    [JsonPropertyOrder(6)]
    public QuantizationSettings? Quantization { get; init; }
}

/// <summary>Quantization settings; the defaults are HAQ's where it has them.</summary>
public sealed record QuantizationSettings
{
    public int MinBits { get; init; } = 2;

    public int MaxBits { get; init; } = 8;

    /// <summary>Keep the first and last layers with weights at 8 bits, as HAQ does.</summary>
    public bool KeepFirstAndLast { get; init; } = true;

    /// <summary>
    /// How activation clipping values are chosen: "mse" (default) or "kl". KL divergence, HAQ's choice, clips far
    /// too hard on inputs with a spike of equal values (a normalised image's background): on lenet5/mnist W4A4 kept
    /// 98.3% with MSE and fell to chance with KL.
    /// </summary>
    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.Mse;

    /// <summary>Training images the activation clipping values are calibrated on.</summary>
    public int CalibrationImages { get; init; } = 256;

    /// <summary>Training images of quantization-aware fine-tuning before each candidate is scored (0: none).</summary>
    public int FineTuneImages { get; init; } = 1_024;

    public double FineTuneLearningRate { get; init; } = 1e-3;

    /// <summary>Validation images each candidate is scored on.</summary>
    public int ValidationImages { get; init; } = 1_000;

    /// <summary>More hardware targets to report each candidate's latency and energy on, besides the constrained one.</summary>
    public IReadOnlyList<string> ReportTargets { get; init; } = [];

    /// <summary>Each bad setting as (field in camelCase, reason); empty when the settings can run.</summary>
    public IEnumerable<(string Field, string Reason)> Problems()
    {
        if (MinBits is < 1 or > 16) yield return ("minBits", $"must be between 1 and 16, got {MinBits}");
        if (MaxBits is < 1 or > 16) yield return ("maxBits", $"must be between 1 and 16, got {MaxBits}");
        else if (MaxBits < MinBits) yield return ("maxBits", $"must not be below minBits ({MinBits}), got {MaxBits}");
        if (CalibrationImages is < 16 or > 50_000) yield return ("calibrationImages", $"must be between 16 and 50,000, got {CalibrationImages}");
        if (FineTuneImages is < 0 or > 1_000_000) yield return ("fineTuneImages", $"must be between 0 and 1,000,000, got {FineTuneImages}");
        if (!(FineTuneLearningRate > 0 && FineTuneLearningRate < 1)) yield return ("fineTuneLearningRate", $"must be in (0, 1), got {FineTuneLearningRate}");
        if (ValidationImages is < 100 or > 100_000) yield return ("validationImages", $"must be between 100 and 100,000, got {ValidationImages}");
    }
}

/// <summary>A mixed-precision job's spec resolved: the model job's plan and the quantization settings, every default filled in.</summary>
public sealed record QuantizePlan : ModelJobPlan
{
    public required QuantizationSettings Quantization { get; init; }
}
