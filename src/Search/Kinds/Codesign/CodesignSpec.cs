using System.Text.Json.Serialization;
using AutoDesign.Search.Agents.Evolution;
using AutoDesign.Search.Agents.Nsga2;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Recovery;

namespace AutoDesign.Search.Kinds.Codesign;

/// <summary>
/// A joint architecture and precision search (APQ) over a trained once-for-all super-network: every block's kernel
/// and expansion, every stage's depth and every layer's weight and activation bits, under a latency or energy budget
/// on a target (or a model-size budget), e.g. <c>{"kind":"codesign","supernet":"fmnist-all","agent":"evolution",
/// "constraint":{"metric":"latency","target":"bitfusion","ratio":0.3},"budget":{"evaluations":2000},"seed":1}</c>.
/// </summary>
public sealed record CodesignSpec : JobSpec
{
    /// <summary>The once-for-all super-network whose sub-networks are searched (by name under supernets/, or path).</summary>
    [JsonPropertyOrder(-7)]
    public string? Supernet { get; init; }

    /// <summary>The data set the super-network was trained on (optional; checked against it).</summary>
    [JsonPropertyOrder(-6)]
    public string? Dataset { get; init; }

    [JsonPropertyOrder(-4)]
    public ConstraintSpec? Constraint { get; init; }

    /// <summary><c>evaluations</c>: the distinct designs the predictor scores; <c>batch</c>: the confirmed ones evaluated at once.</summary>
    [JsonPropertyOrder(-3)]
    public ArchitectureBudget? Budget { get; init; }

    [JsonPropertyOrder(6)]
    public CodesignQuantization? Quantization { get; init; }

    [JsonPropertyOrder(6)]
    public EvolutionSettings? Evolution { get; init; }

    [JsonPropertyOrder(6)]
    public Nsga2Settings? Nsga2 { get; init; }

    [JsonPropertyOrder(7)]
    public CodesignPredictor? Predictor { get; init; }

    /// <summary>How the best design is recovered at its bits, distilled from the largest sub-network (default on).</summary>
    [JsonPropertyOrder(8)]
    public RecoverySpec? Recovery { get; init; }
}

/// <summary>
/// The bits a layer may take and how a design is measured at its bits: the sub-network is extracted with its
/// inherited weights, its batch norm re-estimated, its activation clipping calibrated (MSE) on
/// <see cref="CalibrationImages"/> training images, fine-tuned with quantization in the loop for one pass over
/// <see cref="FineTuneImages"/> training images and scored on <see cref="ValidationImages"/> validation images.
/// </summary>
public sealed record CodesignQuantization
{
    /// <summary>Bit-widths a layer's weights and activations may take (APQ's: 4, 6, 8). One value: a search at that uniform bit-width.</summary>
    public IReadOnlyList<int> Bits { get; init; } = [4, 6, 8];

    public int CalibrationImages { get; init; } = 256;

    public int FineTuneImages { get; init; } = 1_024;

    public double FineTuneLearningRate { get; init; } = 1e-3;

    public int ValidationImages { get; init; } = 2_000;

    public IEnumerable<(string Field, string Reason)> Problems()
    {
        // A document may say "bits": null, whatever the type says.
        if (Bits is null || Bits.Count == 0) yield return ("bits", "must list at least one bit-width, e.g. [4, 6, 8]");
        else for (int i = 0; i < Bits.Count; i++)
            if (Bits[i] is < 2 or > 16) yield return ($"bits[{i}]", $"must be between 2 and 16, got {Bits[i]}");
            else if (i > 0 && Bits[i] <= Bits[i - 1]) yield return ($"bits[{i}]", $"bit-widths must be ascending and distinct, got {Bits[i]} after {Bits[i - 1]}");
        if (CalibrationImages is < 16 or > 50_000) yield return ("calibrationImages", $"must be between 16 and 50,000, got {CalibrationImages}");
        if (FineTuneImages is < 0 or > 1_000_000) yield return ("fineTuneImages", $"must be between 0 and 1,000,000, got {FineTuneImages}");
        if (!(FineTuneLearningRate > 0 && FineTuneLearningRate < 1)) yield return ("fineTuneLearningRate", $"must be in (0, 1), got {FineTuneLearningRate}");
        if (ValidationImages is < 100 or > 100_000) yield return ("validationImages", $"must be between 100 and 100,000, got {ValidationImages}");
    }
}

/// <summary>
/// APQ's quantization-aware accuracy predictor: Once-for-All's MLP fitted on the super-network's sub-networks measured
/// at full precision (<c>autodesign supernet sample</c>), then, started from its weights (<see cref="Transfer"/>),
/// fitted on <see cref="Samples"/> designs measured at their bits; the <see cref="Confirm"/> best predicted designs are
/// evaluated for real.
/// </summary>
public sealed record CodesignPredictor
{
    /// <summary>
    /// Designs (a sub-network and its bits, drawn at random) measured at their bits to fit the predictor on. Transferred,
    /// 10 to 25 predicted held-out designs as well as 100 did on fmnist-all (CodesignBench), so 25 by default.
    /// </summary>
    public int Samples { get; init; } = 25;

    /// <summary>Start from the full-precision predictor's weights (APQ's transfer); false fits from scratch.</summary>
    public bool Transfer { get; init; } = true;

    public int Confirm { get; init; } = 10;
}

/// <summary>A joint search's spec resolved: the super-network, the constraint on its target, the bits, the predictor and the agents' settings.</summary>
public sealed record CodesignPlan : JobPlan
{
    public required SupernetPlan Supernet { get; init; }

    public required string ConstraintMetric { get; init; }

    /// <summary>The target latency or energy is costed on (null for size).</summary>
    public string? ConstraintTarget { get; init; }

    public required double Limit { get; init; }

    /// <summary>The limit as a share of the largest sub-network's cost at 8 bits, when the spec gave a ratio.</summary>
    public double? Ratio { get; init; }

    public required CodesignQuantization Quantization { get; init; }

    public required CodesignPredictor Predictor { get; init; }

    public required int Evaluations { get; init; }

    public required IReadOnlyList<string> Costs { get; init; }

    public required EvolutionOptions Evolution { get; init; }

    public required Nsga2Options Nsga2 { get; init; }

    public RecoveryPlan? Recovery { get; init; }
}
