using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;

namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// A data-parallel run as a whole, wherever its workers are: its name (which names its checkpoints), the network and
/// data set, the settings, how many workers, the seed of the first worker's initial weights (everyone's), and for a
/// benchmark a slower link to emulate between the workers (a bandwidth of 0: none).
/// </summary>
public sealed record DataParallelRun(string Name, ModelSpec Model, string Dataset, TrainingOptions Options, GradientCompression Compression, int Workers)
{
    public int InitialSeed { get; init; }

    public double LinkBitsPerSecond { get; init; }

    public TimeSpan LinkLatency { get; init; }

    /// <summary>Whether the messages go over an emulated link rather than the network as it is.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool EmulatesLink => LinkBitsPerSecond != 0; // any other value than none goes to the link, which refuses what is no bandwidth

    /// <summary>What is wrong with the run, named by field; null when it can run.</summary>
    public string? Problem() =>
        !IsValidName(Name) ? $"run: '{Name}' is not a name of letters, digits, '-', '_' and '.'"
        : Workers < 1 ? $"workers: must be at least 1, got {Workers}"
        : EmulatesLink && !(LinkBitsPerSecond > 0 && double.IsFinite(LinkBitsPerSecond)) ? $"linkBitsPerSecond: must be a positive number, got {LinkBitsPerSecond}"
        : LinkLatency < TimeSpan.Zero || LinkLatency > TimeSpan.FromMinutes(1) ? $"linkLatency: must be between 0 and one minute, got {LinkLatency}"
        : Compression.Problem() is { } compression ? $"compression.{compression}"
        : Options.Problem() is { } options ? $"options: {options}"
        : null;

    /// <summary>A run's name is a folder under the data folder's <c>training/</c>.</summary>
    public static bool IsValidName(string run) =>
        run.Length is > 0 and <= 100 && char.IsAsciiLetterOrDigit(run[0]) && run.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Where a process's workers of the run keep their checkpoints (the last one holds the run's weights once it is over).</summary>
    public static string CheckpointDirectory(DataFolder folder, string run) =>
        IsValidName(run) ? Path.Combine(folder.Root, "training", run) : throw new ArgumentException($"run: '{run}' is not a name of letters, digits, '-', '_' and '.'", nameof(run));

    /// <summary>Deletes what a process's workers of the run kept under <see cref="CheckpointDirectory"/>.</summary>
    public static void DeleteCheckpoints(DataFolder folder, string run)
    {
        string directory = CheckpointDirectory(folder, run);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    /// <summary>Puts the exchange behind the run's emulated link, if it has one.</summary>
    public IGradientExchange OverLink(IGradientExchange exchange) => EmulatesLink ? new EmulatedLink(exchange, LinkBitsPerSecond, LinkLatency) : exchange;

    private static readonly Lock Seeding = new();

    /// <summary>
    /// The first worker's network, whose initial weights are the run's: the same as any other run's with this seed, even
    /// with other networks of this process built at the same time (the seed is the process's).
    /// </summary>
    public SpecNetwork BuildLeader()
    {
        lock (Seeding)
        {
            TorchSharp.torch.manual_seed(InitialSeed);
            return new SpecNetwork(Model);
        }
    }
}
