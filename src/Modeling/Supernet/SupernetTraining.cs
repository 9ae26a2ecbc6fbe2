using AutoDesign.Modeling.Data;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Supernet;

/// <summary>What to train: the data set, the name under supernets/, and the recipe's knobs (null: the defaults).</summary>
public sealed record SupernetTrainingRequest(string Dataset)
{
    public static readonly IReadOnlyList<string> Layouts = ["small", "tiny"];

    /// <summary>The name under the data folder's supernets/ (default: the data set's name).</summary>
    public string? Name { get; init; }

    /// <summary>small (3 stages of up to 4 blocks) or tiny (for smoke tests).</summary>
    public string Layout { get; init; } = "small";

    public int? TrainLimit { get; init; }

    /// <summary>Epochs of the full network first (default 3).</summary>
    public int? FullEpochs { get; init; }

    /// <summary>Epochs of each elastic phase: kernel, depth, expansion (default 1).</summary>
    public int? EpochsPerPhase { get; init; }

    /// <summary>Weight of distillation from the full network in the elastic phases (default 1; 0 = none).</summary>
    public double? Distillation { get; init; }

    public int? Seed { get; init; }
}

/// <summary>A trained super-network: its name, where it was saved, and its training history.</summary>
public sealed record SupernetTrainingResult(string Name, string Dataset, string Directory, string Layout, IReadOnlyList<ShrinkingEpochReport> History);

/// <summary>
/// Training a once-for-all super-network by progressive shrinking into the data folder's supernets/NAME (checkpoints in
/// training/, the result in supernet/, where a nas spec finds it by name), as the command line and the service do it;
/// a second call continues an interrupted training from its checkpoints.
/// </summary>
public static class SupernetTraining
{
    public static SupernetTrainingResult Run(SupernetTrainingRequest request, DataFolder folder, ILogger logger,
        Action<ShrinkingEpochReport>? onEpoch = null, CancellationToken cancellation = default)
    {
        string name = request.Name ?? request.Dataset.Replace(':', '-').Replace('/', '-');
        if (name.Length == 0 || name.IndexOfAny([.. Path.GetInvalidFileNameChars(), '.']) >= 0)
            throw new ArgumentException($"the name '{name}' must be a plain folder name");
        if (!SupernetTrainingRequest.Layouts.Contains(request.Layout))
            throw new ArgumentException($"layout '{request.Layout}' is unknown: use {string.Join(", ", SupernetTrainingRequest.Layouts)}");
        double distillation = request.Distillation ?? 1;
        if (distillation < 0) throw new ArgumentException($"distillation must not be negative, got {distillation}");
        var elastic = new PhaseOptions { Epochs = request.EpochsPerPhase ?? 1, LearningRate = 0.03, Distillation = distillation };
        var options = new ShrinkingOptions
        {
            Full = new PhaseOptions { Epochs = request.FullEpochs ?? 3, LearningRate = 0.1 },
            ElasticKernel = elastic,
            ElasticDepth = elastic with { SubnetsPerStep = 2 },
            ElasticExpansion = elastic with { SubnetsPerStep = 2 },
            TrainLimit = request.TrainLimit ?? 0,
            Seed = request.Seed ?? 1,
        };
        if (options.Problem() is { } problem) throw new ArgumentException(problem);

        var data = DatasetCatalog.Load(request.Dataset, folder);
        if (!data.Info.HasImages) throw new ArgumentException($"'{request.Dataset}' has no images to train on");
        var layout = request.Layout == "tiny" ? SupernetLayout.Tiny(data.Info.Shape, data.Info.Classes) : SupernetLayout.Small(data.Info.Shape, data.Info.Classes);
        string root = Path.Combine(SupernetFolders.Root(folder), name);
        Directory.CreateDirectory(root);
        manual_seed(options.Seed);
        using var network = new SuperNetwork(layout);
        var history = new ProgressiveShrinking(logger).Train(network, data, options, Path.Combine(root, "training"), onEpoch, cancellation: cancellation);
        string directory = Path.Combine(root, "supernet");
        new SavedSupernet(name, layout, request.Dataset, data.Mean, data.Std, options, history).Save(directory, network);
        return new SupernetTrainingResult(name, request.Dataset, directory, request.Layout, history);
    }
}
