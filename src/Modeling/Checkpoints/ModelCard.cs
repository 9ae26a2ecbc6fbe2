using AutoDesign.Modeling.Training;

namespace AutoDesign.Modeling.Checkpoints;

/// <summary>What a saved model is and how well it does: stored as model.json beside its spec and weights.</summary>
public sealed record ModelCard
{
    public required string Model { get; init; }

    public required string Dataset { get; init; }

    public required string SpecHash { get; init; }

    public required long Macs { get; init; }

    public required long Params { get; init; }

    /// <summary>Per-channel normalisation the weights expect.</summary>
    public required float[] Mean { get; init; }

    public required float[] Std { get; init; }

    public TrainingOptions? Training { get; init; }

    public IReadOnlyList<EpochReport> History { get; init; } = [];

    public double? TestAccuracy { get; init; }

    public double? ValidationAccuracy { get; init; }

    /// <summary>A language model's perplexity on the corpus's test text (its accuracies are of the next token).</summary>
    public double? TestPerplexity { get; init; }

    public double? ValidationPerplexity { get; init; }

    /// <summary>A next-frame model's mean squared error per pixel (pixels in [0, 1]) on the test clips.</summary>
    public double? TestError { get; init; }

    public double? ValidationError { get; init; }

    /// <summary>The test error of copying a clip's last frame forward, the trivial prediction a next-frame model must beat.</summary>
    public double? CopyLastFrameError { get; init; }

    public double TrainingSeconds { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The bit-widths the weights were fine-tuned for, when the model is quantized (its weights are stored in float).</summary>
    public Specs.PrecisionPolicy? Precision { get; init; }

    /// <summary>How each quantized layer is fake-quantized (bits, clipping, sign); loading the model applies it.</summary>
    public IReadOnlyDictionary<string, Quantization.LayerQuantization>? Quantization { get; init; }

    /// <summary>The serving format of each projection and KV cache format of each attention layer it was chosen for, by layer name (weights stored in float).</summary>
    public IReadOnlyDictionary<string, string>? ServingFormats { get; init; }

    /// <summary>The card of a network made from this card's model (pruned, quantized): same data set and normalisation.</summary>
    public ModelCard Derive(string model, Torch.SpecNetwork network, double testAccuracy, double validationAccuracy) => new()
    {
        Model = model,
        Dataset = Dataset,
        SpecHash = network.Spec.ContentHash(),
        Macs = network.Analysis.Macs,
        Params = network.Analysis.Params,
        Mean = Mean,
        Std = Std,
        TestAccuracy = testAccuracy,
        ValidationAccuracy = validationAccuracy,
    };
}
