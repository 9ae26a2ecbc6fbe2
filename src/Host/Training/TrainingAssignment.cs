using AutoDesign.Modeling.Distributed;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Training;

namespace AutoDesign.Host.Training;

/// <summary>
/// What one silo's worker of a data-parallel run needs: the run (which names its checkpoints), the key of the
/// attempt's exchange grain (a run resumed after losing a silo is another attempt, with an exchange of its own), the
/// worker's place among the attempt's workers, the network to train (worker 0's initial weights are everyone's), the
/// data set by name, the settings, and for a benchmark a slower link to emulate between the silos.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrainingAssignment(
    [property: Id(0)] string Run,
    [property: Id(1)] int Rank,
    [property: Id(2)] int Workers,
    [property: Id(3)] ModelSpec Model,
    [property: Id(4)] string Dataset,
    [property: Id(5)] TrainingOptions Options,
    [property: Id(6)] GradientCompression Compression,
    [property: Id(7)] int InitialSeed = 0,
    [property: Id(8)] string Exchange = "",
    [property: Id(9)] double LinkBitsPerSecond = 0,
    [property: Id(10)] TimeSpan LinkLatency = default)
{
    /// <summary>Whether the messages go over an emulated link (<see cref="LinkBitsPerSecond"/>, <see cref="LinkLatency"/> each way) rather than the network as it is.</summary>
    public bool EmulatesLink => LinkBitsPerSecond != 0; // any other value than none goes to the link, which refuses what is no bandwidth

    /// <summary>A run's name is a folder under the data folder's <c>training/</c>.</summary>
    public static bool IsValidRun(string run) => run.Length is > 0 and <= 100 && char.IsAsciiLetterOrDigit(run[0]) && run.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
