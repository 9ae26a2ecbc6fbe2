using System.Text.Json.Serialization;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Recovery;

namespace AutoDesign.Search.Kinds.Common;

/// <summary>
/// The fields every job that starts from a trained model has (prune, quantize): the model and its data set, the
/// budget, DDPG's exploration, and how to train the model if the cache does not hold it.
/// </summary>
public abstract record ModelJobSpec : JobSpec
{
    /// <summary>A zoo name (built for the data set's shape), <c>upload:NAME</c>, or, from the command line, a saved model folder or spec file.</summary>
    [JsonPropertyOrder(-7)]
    public string? Model { get; init; }

    [JsonPropertyOrder(-6)]
    public string? Dataset { get; init; }

    [JsonPropertyOrder(-4)]
    public ConstraintSpec? Constraint { get; init; }

    [JsonPropertyOrder(-3)]
    public EpisodeBudget? Budget { get; init; }

    /// <summary>DDPG's exploration settings (ddpg only; the defaults are the kind's paper's).</summary>
    [JsonPropertyOrder(7)]
    public DdpgSettings? Ddpg { get; init; }

    /// <summary>How to train the base model if the cache does not hold it (default: the model family's recipe).</summary>
    [JsonPropertyOrder(8)]
    public BaseTraining? Training { get; init; }

    /// <summary>How the best design is recovered before it is saved (default: on where the kind recovers; see <see cref="RecoverySpec"/>).</summary>
    [JsonPropertyOrder(9)]
    public RecoverySpec? Recovery { get; init; }
}

/// <summary>A search that evaluates one candidate per episode, as AMC and HAQ do.</summary>
public sealed record EpisodeBudget
{
    /// <summary>Candidates to evaluate (one per episode).</summary>
    public int? Episodes { get; init; }

    /// <summary>
    /// Episodes of random actions before DDPG uses its actor (ddpg only); by default the paper's (AMC: 100, HAQ: 20), at
    /// most half the episodes.
    /// </summary>
    public int? WarmupEpisodes { get; init; }

    /// <summary>
    /// Candidates asked for, evaluated in parallel (over every silo of a cluster) and told at once (default 1, as in
    /// AMC and HAQ). Part of what a seeded run's result depends on: the agent learns after each batch.
    /// </summary>
    public int? Batch { get; init; }
}

/// <summary>DDPG exploration: truncated-normal noise of <see cref="InitialNoise"/> after warm-up, times <see cref="NoiseDecay"/> per episode.</summary>
public sealed record DdpgSettings
{
    public double? InitialNoise { get; init; }

    public double? NoiseDecay { get; init; }
}

/// <summary>Changes to the base model's training recipe.</summary>
public sealed record BaseTraining
{
    public int? Epochs { get; init; }

    /// <summary>Train on only the first N training images (for quick runs).</summary>
    public int? TrainLimit { get; init; }

    /// <summary>A language model's training steps per epoch (for quick runs).</summary>
    public int? StepsPerEpoch { get; init; }
}
