using System.Text.Json.Serialization;
using AutoDesign.Modeling.Distributed;
using AutoDesign.Search.Jobs;

namespace AutoDesign.Search.Kinds.Train;

/// <summary>
/// A training job: a zoo model trained from scratch on an image data set by <see cref="Workers"/> data-parallel workers
/// (silos of the cluster in the service, threads in the command line), exchanging gradients dense or by Deep Gradient
/// Compression (the <c>agent</c>: <c>dgc</c> or <c>dense</c>), e.g. <c>{"kind":"train","model":"resnet20",
/// "dataset":"fashion-mnist","agent":"dgc","workers":2,"training":{"epochs":4}}</c>.
/// </summary>
public sealed record TrainSpec : JobSpec
{
    [JsonPropertyOrder(-7)]
    public string? Model { get; init; }

    [JsonPropertyOrder(-6)]
    public string? Dataset { get; init; }

    /// <summary>Workers training on shards of every batch (default 1: one silo, as training without this job).</summary>
    [JsonPropertyOrder(-4)]
    public int? Workers { get; init; }

    /// <summary>Changes to the model family's recipe (with SGD: data-parallel training runs SGD).</summary>
    [JsonPropertyOrder(-3)]
    public TrainSettings? Training { get; init; }

    /// <summary>Deep Gradient Compression's settings (agent <c>dgc</c> only; each piece can be switched off for an ablation).</summary>
    [JsonPropertyOrder(-2)]
    public GradientCompression? Compression { get; init; }

    /// <summary>A slower link to emulate between the workers (for measuring where compression pays); none by default.</summary>
    [JsonPropertyOrder(-1)]
    public LinkSettings? Link { get; init; }
}

/// <summary>Changes to the training recipe.</summary>
public sealed record TrainSettings
{
    public int? Epochs { get; init; }

    /// <summary>Images per step over all workers (each trains on its shard).</summary>
    public int? BatchSize { get; init; }

    /// <summary>SGD's initial learning rate; a cosine schedule takes it to zero.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Train on only the first N training images (for quick runs).</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Random shifts (and mirror images where valid).</summary>
    public bool? Augment { get; init; }
}

/// <summary>An emulated link: each worker waits, after each exchange, as long as its messages would take at this bandwidth and latency.</summary>
public sealed record LinkSettings
{
    public double? BitsPerSecond { get; init; }

    /// <summary>One way, in milliseconds.</summary>
    public double? LatencyMs { get; init; }
}
