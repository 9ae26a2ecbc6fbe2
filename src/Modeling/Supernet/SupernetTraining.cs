using AutoDesign.Modeling.Data;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Supernet;

/// <summary>What to train: the data set, the name under supernets/, and the recipe's knobs (null: the defaults).</summary>
public sealed record SupernetTrainingRequest(string Dataset)
{
    public static readonly IReadOnlyList<string> Layouts = ["small", "tiny"];

    public static readonly IReadOnlyList<string> Recipes = ["default", "ofa"];

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

    /// <summary>default (one step per elastic dimension) or ofa (<see cref="ShrinkingOptions.OnceForAll"/>).</summary>
    public string Recipe { get; init; } = "default";

    /// <summary>A trained model (a saved model folder, or a zoo model's name trained on the data set) to distil from too.</summary>
    public string? TeacherModel { get; init; }

    /// <summary>The weight of <see cref="TeacherModel"/>'s soft predictions (default 1).</summary>
    public double? ModelDistillation { get; init; }
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
        if (!SupernetTrainingRequest.Recipes.Contains(request.Recipe))
            throw new ArgumentException($"recipe '{request.Recipe}' is unknown: use {string.Join(", ", SupernetTrainingRequest.Recipes)}");
        double distillation = request.Distillation ?? 1;
        if (distillation < 0) throw new ArgumentException($"distillation must not be negative, got {distillation}");
        int fullEpochs = request.FullEpochs ?? 3, epochsPerPhase = request.EpochsPerPhase ?? 1;
        var elastic = new PhaseOptions { Epochs = epochsPerPhase, LearningRate = 0.03, Distillation = distillation };
        var recipe = request.Recipe == "ofa"
            ? ShrinkingOptions.OnceForAll(fullEpochs, epochsPerPhase, distillation)
            : new ShrinkingOptions
            {
                Full = new PhaseOptions { Epochs = fullEpochs, LearningRate = 0.1 },
                ElasticKernel = elastic,
                ElasticDepth = elastic with { SubnetsPerStep = 2 },
                ElasticExpansion = elastic with { SubnetsPerStep = 2 },
            };
        var options = recipe with
        {
            TrainLimit = request.TrainLimit ?? 0,
            Seed = request.Seed ?? 1,
            TeacherModel = request.TeacherModel is { } teacher ? TeacherModelDirectory(teacher, request.Dataset, folder) : null,
            ModelDistillation = request.TeacherModel is null ? 0 : request.ModelDistillation ?? 1,
        };
        if (request.ModelDistillation is not null && request.TeacherModel is null) throw new ArgumentException("a teacher model's distillation weight needs a teacher model");
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

    private static string TeacherModelDirectory(string teacher, string dataset, DataFolder folder)
    {
        if (Checkpoints.SavedModel.IsSavedModel(teacher)) return Path.GetFullPath(teacher);
        return new Checkpoints.ModelStore(folder).Find(teacher, dataset).FirstOrDefault()?.Directory
               ?? throw new ArgumentException($"no saved model folder '{teacher}', and no trained '{teacher}' on '{dataset}' in the model cache: run `autodesign train --model {teacher} --dataset {dataset}` first");
    }
}
