using System.CommandLine;
using System.Diagnostics;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Training;

namespace AutoDesign.Cli;

/// <summary><c>autodesign evaluate --model M --dataset D</c>: scores a saved model (the newest cached one, an upload, or a folder).</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A trained zoo model name (the newest in the cache) or a saved model folder.", Required = true };
        var dataset = new Option<string>("--dataset", "-d") { Description = "Data set to score on (default: the one the model was trained on)." };
        var split = new Option<DataSplit>("--split") { Description = "test, validation or train.", DefaultValueFactory = _ => DataSplit.Test };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("evaluate", "Score a saved model's accuracy on a data set split.") { model, dataset, split, json, dataDir };
        command.SetAction(parse =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return context.Run(() =>
            {
                var folder = CommonOptions.Folder(parse.GetValue(dataDir));
                string modelName = parse.GetRequiredValue(model);
                string? datasetName = parse.GetValue(dataset);
                var saved = Find(new ModelStore(folder), new UploadedModels(folder).Locate(modelName), datasetName);
                datasetName ??= saved.Card.Dataset;

                var data = DatasetCatalog.Load(datasetName, folder);
                if (saved.Spec.Input != data.Info.Shape || saved.Spec.Classes != data.Info.Classes)
                    throw new ArgumentException($"the model takes {saved.Spec.Input} inputs and {saved.Spec.Classes} classes; {datasetName} has {data.Info.Shape} and {data.Info.Classes}");
                var chosen = parse.GetValue(split);
                var clock = Stopwatch.StartNew();
                using var network = saved.CreateNetwork();
                var score = Evaluation.Of(network, data[chosen], saved.Card.Mean, saved.Card.Std);
                context.Result(new
                {
                    model = modelName,
                    dataset = datasetName,
                    directory = saved.Directory,
                    split = chosen,
                    accuracy = score.Accuracy,
                    loss = score.Loss,
                    count = score.Count,
                    seconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
                }, output => output.WriteLine(
                    $"{modelName} on {datasetName} ({chosen.ToString().ToLowerInvariant()}, {score.Count:N0} images): accuracy {score.Accuracy:P2}, loss {score.Loss:F4}"));
                return 0;
            });
        });
        return command;
    }

    private static SavedModel Find(ModelStore store, string model, string? dataset)
    {
        if (SavedModel.IsSavedModel(model)) return SavedModel.Load(model);
        if (Directory.Exists(model)) throw new ArgumentException($"{model} is not a saved model folder (no spec.json and weights.dat)");
        if (dataset is null) throw new ArgumentException("--dataset is required to find a cached model by name");
        return store.Find(model, dataset).FirstOrDefault()
            ?? throw new ArgumentException($"no trained '{model}' on '{dataset}' in {store.Root}: run `autodesign train --model {model} --dataset {dataset}` first");
    }
}
