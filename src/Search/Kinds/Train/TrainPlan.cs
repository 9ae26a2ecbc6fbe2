using AutoDesign.Modeling.Distributed;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;

namespace AutoDesign.Search.Kinds.Train;

/// <summary>A training job as resolved: the network, the data set, the full recipe, the workers, the exchange and the emulated link (bandwidth 0: none).</summary>
public sealed record TrainPlan : JobPlan
{
    /// <summary>The model as the spec named it.</summary>
    public required string Model { get; init; }

    public required ModelSpec Spec { get; init; }

    public required string Dataset { get; init; }

    public required TrainingOptions Options { get; init; }

    public required int Workers { get; init; }

    public required GradientCompression Compression { get; init; }

    public double LinkBitsPerSecond { get; init; }

    public double LinkLatencyMs { get; init; }

    /// <summary>The run this plan trains, under <paramref name="name"/>.</summary>
    public DataParallelRun RunNamed(string name) => new(name, Spec, Dataset, Options, Compression, Workers)
    {
        InitialSeed = Seed,
        LinkBitsPerSecond = LinkBitsPerSecond,
        LinkLatency = TimeSpan.FromMilliseconds(LinkLatencyMs),
    };
}
