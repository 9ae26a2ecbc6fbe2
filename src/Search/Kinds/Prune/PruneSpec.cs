using System.Text.Json.Serialization;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Pruning;
using AutoDesign.Search.Recovery;

namespace AutoDesign.Search.Kinds.Prune;

/// <summary>
/// A channel-pruning job (AMC): how many channels each layer of a trained model keeps, under a FLOPs, parameter,
/// latency or energy budget, e.g. <c>{"kind":"prune","model":"lenet5","dataset":"mnist","agent":"ddpg",
/// "constraint":{"metric":"flops","ratio":0.5},"budget":{"episodes":120},"seed":1}</c>.
/// Without a constraint the search runs in AMC's accuracy-guaranteed mode.
/// <para>
/// A language model (<c>gpt</c>, <c>llama</c>) on a text corpus (<c>sotu</c>) is pruned the same way (attention heads
/// in whole key/value heads, MLP channels, the residual stream) and scored on <see cref="PruningSettings.ValidationWindows"/>
/// windows of the validation text: its accuracy is next-token accuracy (the reward is AMC's, from it), its perplexity
/// is beside it; the best is tested on the test text (<see cref="PruningSettings.TestWindows"/>), fine-tuned with the
/// loop the base model was trained with if asked, and saved. The image-only settings are refused for it: <c>refit</c>
/// (the least-squares refit fits conv and linear layers; a language model has only projections), <c>batchNormImages</c>
/// (it has no batch norm) and <c>screenImages</c>; <c>validationImages</c> does not apply. An image classifier refuses
/// <c>validationWindows</c> and <c>testWindows</c>.
/// </para>
/// </summary>
public sealed record PruneSpec : ModelJobSpec
{
    [JsonPropertyOrder(6)]
    public PruningSettings? Pruning { get; init; }
}

/// <summary>
/// Pruning settings, with AMC's defaults (its code's: refit on, counts rounded up to multiples of 8, lower bound 0.2,
/// 3,000 validation images) except the channel ranking, where the L1 norm of the filters did as well or better than
/// AMC's next-layer ranking in <c>bench/FaithfulnessBench</c>.
/// </summary>
public sealed record PruningSettings
{
    /// <summary>The smallest keep ratio of a layer.</summary>
    public double LowerBound { get; init; } = 0.2;

    /// <summary>Channel counts of groups at least four multiples wide are rounded to this multiple.</summary>
    public int ChannelMultiple { get; init; } = 8;

    /// <summary>How a keep ratio becomes a channel count: up (AMC's) unless set; a plan always states it.</summary>
    public ChannelRounding? Rounding { get; init; }

    /// <summary>How the channels a group keeps are chosen.</summary>
    public FilterImportance Importance { get; init; } = FilterImportance.L1;

    /// <summary>
    /// Refit the conv and linear layers after each cut by least squares (channel pruning by reconstruction, as AMC
    /// does), as the spec gives it; unset: on for an image classifier, off for a language model (it has no such layer,
    /// so true is refused). A plan always states it.
    /// </summary>
    [JsonPropertyName("refit")]
    public bool? RefitAsGiven { get; init; }

    /// <summary>Whether candidates are refitted: as given or planned, else on (AMC's default for image classifiers).</summary>
    [JsonIgnore]
    public bool Refit
    {
        get => RefitAsGiven ?? true;
        init => RefitAsGiven = value;
    }

    /// <summary>
    /// Training images on which each candidate's batch-norm statistics are re-estimated before it is scored (0: none,
    /// as in AMC). Weights are not changed; networks without batch norm are unaffected.
    /// </summary>
    public int BatchNormImages { get; init; }

    /// <summary>Validation images each candidate of an image classifier is scored on (AMC used 3,000).</summary>
    public int ValidationImages { get; init; } = 3_000;

    /// <summary>
    /// A language model's validation windows (of its context) each candidate is scored on, evenly spaced over the
    /// validation text (all of them where it holds fewer); unset: <see cref="DefaultValidationWindows"/>, which a plan
    /// states. Refused for an image classifier.
    /// </summary>
    public int? ValidationWindows { get; init; }

    /// <summary>
    /// A language model's test windows for the best candidate (and the base beside it), evenly spaced over the test text;
    /// unset: all of them, as the base model was tested. Refused for an image classifier.
    /// </summary>
    public int? TestWindows { get; init; }

    public const int DefaultValidationWindows = 64, MaxValidationWindows = 10_000, MaxTestWindows = 1_000_000;

    /// <summary>
    /// Successive halving (0: off): a candidate is scored on this many of the validation images first, and on the
    /// rest only if it could still beat the best candidate scored in full (the upper end of a 3-sigma interval around
    /// its screening accuracy); otherwise its screening accuracy stands, marked with the images it was scored on.
    /// </summary>
    public int ScreenImages { get; init; }

    /// <summary>The older spelling of <c>recovery.epochs</c> without distillation (0: the job's <c>recovery</c> applies).</summary>
    public int FineTuneEpochs { get; init; }

    /// <summary>Each bad setting as (field in camelCase, reason); empty when the settings can run.</summary>
    public IEnumerable<(string Field, string Reason)> Problems()
    {
        if (LowerBound is <= 0 or > 1 || double.IsNaN(LowerBound)) yield return ("lowerBound", $"must be in (0, 1], got {LowerBound}");
        if (ChannelMultiple is < 1 or > 64) yield return ("channelMultiple", $"must be between 1 and 64, got {ChannelMultiple}");
        if (ValidationImages is < 100 or > 100_000) yield return ("validationImages", $"must be between 100 and 100,000, got {ValidationImages}");
        if (ScreenImages != 0 && (ScreenImages < 100 || ScreenImages >= ValidationImages))
            yield return ("screenImages", $"must be 0 (off) or between 100 and validationImages - 1 ({ValidationImages - 1}), got {ScreenImages}");
        if (BatchNormImages is < 0 or > 50_000) yield return ("batchNormImages", $"must be between 0 and 50,000, got {BatchNormImages}");
        if (FineTuneEpochs is < 0 or > 1000) yield return ("fineTuneEpochs", $"must be between 0 and 1000, got {FineTuneEpochs}");
    }

    /// <summary>The settings as they apply to a language model or to an image classifier, with what is wrong for it.</summary>
    public (PruningSettings Settings, IReadOnlyList<(string Field, string Reason)> Problems) For(bool languageModel)
    {
        var problems = new List<(string, string)>();
        if (!languageModel)
        {
            if (ValidationWindows is not null)
                problems.Add(("validationWindows", "applies to language models (an image classifier is scored on validationImages)"));
            if (TestWindows is not null) problems.Add(("testWindows", "applies to language models (an image classifier is tested on all its test images)"));
            return (this with { RefitAsGiven = RefitAsGiven ?? true }, problems);
        }
        if (RefitAsGiven == true)
            problems.Add(("refit", "does not apply to a language model: the least-squares refit fits conv and linear layers, and a transformer has only projections (leave it out or set it false)"));
        if (BatchNormImages != 0) problems.Add(("batchNormImages", "does not apply to a language model: it has no batch norm"));
        if (ScreenImages != 0) problems.Add(("screenImages", "applies to image classifiers: a language model is scored on all of its validationWindows"));
        int windows = ValidationWindows ?? DefaultValidationWindows;
        if (windows is < 1 or > MaxValidationWindows) problems.Add(("validationWindows", $"must be between 1 and {MaxValidationWindows:N0}, got {windows}"));
        if (TestWindows is < 1 or > MaxTestWindows) problems.Add(("testWindows", $"must be between 1 and {MaxTestWindows:N0} (or left out: all), got {TestWindows}"));
        return (this with { RefitAsGiven = false, ValidationWindows = windows }, problems);
    }
}

/// <summary>A pruning job's spec resolved: the model job's plan and the pruning settings, every default filled in.</summary>
public sealed record PrunePlan : ModelJobPlan
{
    public required PruningSettings Pruning { get; init; }

    /// <summary>The plan's rounding; a plan stored before rounding was a setting rounded down, and resumes so.</summary>
    [JsonIgnore]
    public ChannelRounding Rounding => Pruning.Rounding ?? ChannelRounding.Down;

    /// <summary>The plan's recovery; a plan stored before recovery existed fine-tunes as its <c>fineTuneEpochs</c> asked.</summary>
    public RecoveryPlan? RecoveryOrFineTuning() =>
        Recovery ?? (Pruning.FineTuneEpochs > 0 ? RecoveryPlan.FineTuning(Pruning.FineTuneEpochs, BaseTraining) : null);
}
