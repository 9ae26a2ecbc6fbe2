using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Inputs;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Checkpoints;

/// <summary>
/// The trained starting points of every search: a model is trained once per (spec, data set, options) and then
/// served from the <see cref="ModelStore"/>; an interrupted training resumes from its last finished epoch.
/// </summary>
public sealed class BaseModels(DataFolder folder, ILogger logger)
{
    public ModelStore Store { get; } = new(folder);

    public sealed record Result(SavedModel Model, bool FromCache);

    /// <summary>
    /// Resolves a model reference: a zoo name (built for the data set's shape), an upload, a saved model folder, or a
    /// spec JSON file; paths go through the data folder's <see cref="InputFiles"/> gate.
    /// </summary>
    public static ModelSpec ResolveSpec(string model, DatasetInfo dataset, DataFolder folder)
    {
        var spec = Locate(model, dataset, folder);
        folder.Access.ModelLimits.Check(spec);
        return spec;
    }

    private static ModelSpec Locate(string model, DatasetInfo dataset, DataFolder folder)
    {
        if (ModelZoo.IsZooName(model)) return ModelZoo.Create(model, dataset.Shape, dataset.Classes);
        string located = new UploadedModels(folder).Locate(model);
        if (folder.Inputs.FindDirectory(located) is { } directory)
            return SavedModel.IsSavedModel(directory)
                ? SavedModel.Load(directory).Spec
                : throw new InputFileException($"'{model}' is a folder but not a saved model (that needs {SavedModel.SpecFile} and {SavedModel.WeightsFile})");
        if (folder.Inputs.FindFile(located, InputFormat.ModelSpec) is not null) return ModelSpecJson.FromFile(folder.Inputs.ReadText(located, InputFormat.ModelSpec), model);
        return ModelZoo.Create(model, dataset.Shape, dataset.Classes); // throws, listing the zoo
    }

    /// <summary>Whether a model reference is a saved model with its weights (an upload or a folder): a starting point as it is, nothing to train.</summary>
    public static bool IsTrained(string model, DataFolder folder)
    {
        if (ModelZoo.IsZooName(model)) return false;
        try
        {
            return folder.Inputs.FindDirectory(new UploadedModels(folder).Locate(model)) is { } directory && SavedModel.IsSavedModel(directory);
        }
        catch (Exception e) when (e is ArgumentException or InputFileException)
        {
            return false; // not found or not allowed: the spec's own checks say why
        }
    }

    public Result GetOrTrain(
        string model,
        string datasetName,
        TrainingOptions options,
        bool force = false,
        Action<EpochReport>? onEpoch = null,
        Action<BatchProgress>? onBatch = null,
        CancellationToken cancellation = default)
    {
        var source = DatasetCatalog.Resolve(datasetName, folder);
        string located = new UploadedModels(folder).Locate(model);
        if (!ModelZoo.IsZooName(located) && folder.Inputs.FindDirectory(located) is { } directory && SavedModel.IsSavedModel(directory) && !force)
        {
            // A saved model (an upload with weights, or a folder) is the starting point as it is: nothing to train.
            var given = SavedModel.Load(directory);
            if (given.Card.Dataset.Length == 0 && (given.Spec.Input != source.Info.Shape || given.Spec.Classes != source.Info.Classes))
                throw new ArgumentException($"model '{model}' takes {given.Spec.Input} inputs and {given.Spec.Classes} classes; " +
                                            $"data set '{datasetName}' has {source.Info.Shape} and {source.Info.Classes}");
            // An import registered without a data set serves any data set of its shape.
            return given.Card.Dataset == datasetName || given.Card.Dataset.Length == 0
                ? new Result(given, FromCache: true)
                : throw new ArgumentException($"model '{model}' was trained on '{given.Card.Dataset}', not '{datasetName}'");
        }
        var spec = ResolveSpec(model, source.Info, folder);
        if (spec.Input != source.Info.Shape || spec.Classes != source.Info.Classes)
            throw new ArgumentException($"model '{model}' takes {spec.Input} inputs and {spec.Classes} classes; " +
                                        $"data set '{datasetName}' has {source.Info.Shape} and {source.Info.Classes}");

        string key = Store.KeyFor(model, spec, datasetName, options);
        using var trainer = Store.Lock(key, cancellation);
        if (force) DeleteEntry(key);
        else if (Store.TryGet(key) is { } cached) return new Result(cached, FromCache: true);

        if (source.Info.Shape.IsTokens) return TrainLanguageModel(model, datasetName, spec, options, key, onEpoch, onBatch, cancellation);
        if (source.Info.Shape.IsVideo) return TrainVideoModel(model, datasetName, spec, options, key, onEpoch, onBatch, cancellation);
        var data = DatasetCatalog.Load(datasetName, folder);
        foreach (var warning in data.Warnings) logger.LogWarning("{Warning}", warning);
        manual_seed(options.Seed);
        using var network = new SpecNetwork(spec);
        logger.LogInformation("Training {Model} on {Dataset} for {Epochs} epochs ({Macs:N0} MACs, {Params:N0} parameters)",
            model, datasetName, options.Epochs, network.Analysis.Macs, network.Analysis.Params);
        var history = new Trainer(logger).Train(network, data, options, Store.TrainingPathOf(key), onEpoch, onBatch, cancellation);

        var test = Evaluation.Of(network, data.Test, data.Mean, data.Std);
        var card = Card(model, datasetName, network, options, history) with { Mean = data.Mean, Std = data.Std, TestAccuracy = test.Accuracy };
        var saved = Save(key, network, card);
        logger.LogInformation("Test accuracy {Accuracy:P2} after {Seconds:F0} s of training; saved to {Directory}",
            test.Accuracy, card.TrainingSeconds, saved.Directory);
        return new Result(saved, FromCache: false);
    }

    private Result TrainLanguageModel(string model, string datasetName, ModelSpec spec, TrainingOptions options, string key,
        Action<EpochReport>? onEpoch, Action<BatchProgress>? onBatch, CancellationToken cancellation)
    {
        var corpus = DatasetCatalog.LoadText(datasetName, folder);
        manual_seed(options.Seed);
        using var network = new SpecNetwork(spec);
        logger.LogInformation("Training {Model} on {Dataset} for {Epochs} epochs of {Steps} steps ({Params:N0} parameters, {Macs:N0} MACs per window of {Context})",
            model, datasetName, options.Epochs, options.StepsPerEpoch, network.Analysis.Params, network.Analysis.Macs, spec.Input.Width);
        var history = new LanguageModelTrainer(logger).Train(network, corpus, options, Store.TrainingPathOf(key), onEpoch, onBatch, cancellation);

        var test = TextEvaluation.Of(network, corpus.Test, spec.Input.Width);
        var card = Card(model, datasetName, network, options, history) with
        {
            TestAccuracy = test.Accuracy, TestPerplexity = test.Perplexity, ValidationPerplexity = history[^1].ValidationPerplexity,
        };
        var saved = Save(key, network, card);
        logger.LogInformation("Test perplexity {Perplexity:F3} (next-token accuracy {Accuracy:P2}) after {Seconds:F0} s of training; saved to {Directory}",
            test.Perplexity, test.Accuracy, card.TrainingSeconds, saved.Directory);
        return new Result(saved, FromCache: false);
    }

    private Result TrainVideoModel(string model, string datasetName, ModelSpec spec, TrainingOptions options, string key,
        Action<EpochReport>? onEpoch, Action<BatchProgress>? onBatch, CancellationToken cancellation)
    {
        var clips = DatasetCatalog.LoadVideo(datasetName, folder);
        manual_seed(options.Seed);
        using var network = new SpecNetwork(spec);
        logger.LogInformation("Training {Model} on {Dataset} for {Epochs} epochs of {Steps} steps ({Params:N0} parameters, {Macs:N0} MACs per clip of {Input})",
            model, datasetName, options.Epochs, options.StepsPerEpoch, network.Analysis.Params, network.Analysis.Macs, spec.Input);
        var history = new VideoTrainer(logger).Train(network, clips, options, Store.TrainingPathOf(key), onEpoch, onBatch, cancellation);

        var test = VideoEvaluation.Of(network, clips.Test, clips.TestClips, spec.Input.Patch!.Value);
        var card = Card(model, datasetName, network, options, history) with
        {
            ValidationAccuracy = null, TestError = test.Error, ValidationError = history[^1].ValidationError, CopyLastFrameError = test.CopyLastError,
        };
        var saved = Save(key, network, card);
        logger.LogInformation("Test error {Error:F5} per pixel (copying the last frame: {Copy:F5}) after {Seconds:F0} s of training; saved to {Directory}",
            test.Error, test.CopyLastError, card.TrainingSeconds, saved.Directory);
        return new Result(saved, FromCache: false);
    }

    // What every freshly trained model's card says; the caller adds its scores (and, for images, the normalisation).
    private static ModelCard Card(string model, string dataset, SpecNetwork network, TrainingOptions options, IReadOnlyList<EpochReport> history) => new()
    {
        Model = model,
        Dataset = dataset,
        SpecHash = network.Spec.ContentHash(),
        Macs = network.Analysis.Macs,
        Params = network.Analysis.Params,
        Mean = [],
        Std = [],
        Training = options,
        History = history,
        ValidationAccuracy = history[^1].ValidationAccuracy,
        TrainingSeconds = history.Sum(h => h.Seconds),
    };

    // The trained model goes into the cache and its checkpoints are no longer needed.
    private SavedModel Save(string key, SpecNetwork network, ModelCard card)
    {
        var saved = SavedModel.Save(Store.PathOf(key), network, card);
        Directory.Delete(Store.TrainingPathOf(key), recursive: true);
        return saved;
    }

    private void DeleteEntry(string key)
    {
        if (Directory.Exists(Store.PathOf(key))) Directory.Delete(Store.PathOf(key), recursive: true);
        if (Directory.Exists(Store.TrainingPathOf(key))) Directory.Delete(Store.TrainingPathOf(key), recursive: true);
    }
}
