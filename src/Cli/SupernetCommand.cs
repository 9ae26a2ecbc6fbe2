using System.CommandLine;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Architecture.Predictor;

namespace AutoDesign.Cli;

/// <summary>
/// <c>autodesign supernet train</c>: progressive shrinking of a once-for-all super-network into the data folder's
/// supernets/NAME (checkpoints in training/, the result in supernet/, where a nas spec's <c>supernet</c> finds it by
/// name); a rerun continues from the checkpoints. <c>autodesign supernet sample</c>: sub-networks measured into the
/// super-network's folder, the data its accuracy predictors are fitted on. <c>autodesign supernet extract</c>: one
/// sub-network saved as an ordinary model.
/// </summary>
internal static class SupernetCommand
{
    public static Command Create() =>
        new("supernet", "Train a once-for-all super-network, measure sub-networks for its accuracy predictor, or extract a sub-network of one.")
        {
            Train(), Sample(), Extract(),
        };

    private static Command Train()
    {
        var dataset = new Option<string>("--dataset", "-d") { Description = "mnist, fashion-mnist, idx:<folder> or cifar10:<folder>.", Required = true };
        var name = new Option<string?>("--name") { Description = "Name under the data folder's supernets/ (default: the data set's name)." };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Train on N training images (a seeded sample; default: all)." };
        var epochsPerPhase = new Option<int?>("--epochs-per-phase") { Description = "Epochs of each elastic phase: kernel, depth, expansion (default 1)." };
        var fullEpochs = new Option<int?>("--full-epochs") { Description = "Epochs of the full network first (default 3)." };
        var distill = new Option<double?>("--distill") { Description = "Weight of distillation from the full network in the elastic phases (default 1; 0 = none)." };
        var layout = new Option<string?>("--layout") { Description = "small (default: 3 stages of up to 4 blocks) or tiny (for smoke tests)." };
        var seed = new Option<int?>("--seed") { Description = "Seed for initialisation, sampling and augmentation (default 1)." };
        var recipe = new Option<string?>("--recipe") { Description = "default (one step per elastic dimension) or ofa (Once-for-All's: depth and expansion in two steps, label smoothing, ...)." };
        var teacher = new Option<string?>("--teacher") { Description = "A trained model (saved model folder, or a zoo model's name trained on the data set) to distil from too." };
        var teacherDistill = new Option<double?>("--teacher-distill") { Description = "Weight of the teacher model's soft predictions in the elastic phases (default 1)." };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("train", "Train a super-network by progressive shrinking; rerun to continue an interrupted training.")
        {
            dataset, name, trainLimit, epochsPerPhase, fullEpochs, distill, layout, seed, recipe, teacher, teacherDistill, json, dataDir,
        };
        command.SetAction((parse, cancellation) =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return Task.FromResult(context.Run(() =>
            {
                var request = new SupernetTrainingRequest(parse.GetRequiredValue(dataset))
                {
                    Name = parse.GetValue(name),
                    Layout = parse.GetValue(layout) ?? "small",
                    TrainLimit = parse.GetValue(trainLimit),
                    FullEpochs = parse.GetValue(fullEpochs),
                    EpochsPerPhase = parse.GetValue(epochsPerPhase),
                    Distillation = parse.GetValue(distill),
                    Seed = parse.GetValue(seed),
                    Recipe = parse.GetValue(recipe) ?? "default",
                    TeacherModel = parse.GetValue(teacher),
                    ModelDistillation = parse.GetValue(teacherDistill),
                };
                var trained = SupernetTraining.Run(request, CommonOptions.Folder(parse.GetValue(dataDir)), context.Logger,
                    onEpoch: e => context.Error.WriteLine(
                        $"{e.Phase} epoch {e.Epoch}/{e.Epochs}: loss {e.TrainLoss:F4}, largest {e.LargestAccuracy:P2}, smallest {e.SmallestAccuracy:P2} ({e.Seconds:F0} s)"),
                    cancellation: cancellation);
                var (supernetName, datasetName, directory, layoutName, history) = (trained.Name, trained.Dataset, trained.Directory, trained.Layout, trained.History);

                var last = history.Count > 0 ? history[^1] : null;
                context.Result(new
                {
                    name = supernetName,
                    dataset = datasetName,
                    directory,
                    layout = layoutName,
                    epochs = history.Count,
                    largestAccuracy = last?.LargestAccuracy,
                    smallestAccuracy = last?.SmallestAccuracy,
                    trainingSeconds = Math.Round(history.Sum(h => h.Seconds), 1),
                    history,
                }, output =>
                {
                    output.WriteLine($"super-network '{supernetName}' on {datasetName}: {history.Count} epochs, " +
                                     $"largest sub-network {last?.LargestAccuracy:P2}, smallest {last?.SmallestAccuracy:P2} (validation)");
                    output.WriteLine($"saved in {directory}; search it with a nas spec {{\"kind\":\"nas\",\"supernet\":\"{supernetName}\",...}}");
                });
                return 0;
            }));
        });
        return command;
    }

    private static Command Sample()
    {
        var supernet = new Option<string>("--supernet", "-s") { Description = "Name under the data folder's supernets/ or path of a saved super-network.", Required = true };
        var count = new Option<int?>("--count", "-n") { Description = "Distinct sub-networks to have measured in all (default 200; a rerun adds to the earlier ones)." };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("sample",
            "Measure sub-networks (inherited weights, batch norm re-estimated) for the accuracy predictor of predictor-guided nas jobs, and compare the MLP and FastTree predictors on them.")
        {
            supernet, count, json, dataDir,
        };
        command.SetAction((parse, cancellation) =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return Task.FromResult(context.Run(() =>
            {
                var sampled = SubnetSampling.Run(parse.GetRequiredValue(supernet), parse.GetValue(count) ?? 200, CommonOptions.Folder(parse.GetValue(dataDir)), context.Logger,
                    onSample: s => context.Error.WriteLine($"{s.Choice}: {s.Accuracy:P2}, {s.Macs:N0} MACs"), cancellation: cancellation);
                var (directory, file, quality) = (sampled.Supernet, sampled.File, sampled.Predictors);
                var accuracies = file.Samples.Select(s => s.Accuracy).ToList();
                context.Result(new
                {
                    supernet = directory,
                    samples = file.Samples.Count,
                    file = Path.Combine(directory, AccuracySampleFile.JsonName),
                    seconds = Math.Round(sampled.Seconds, 1),
                    accuracy = new { min = accuracies.Min(), max = accuracies.Max(), mean = accuracies.Average() },
                    predictors = quality,
                }, o =>
                {
                    o.WriteLine($"{file.Samples.Count} sub-networks measured ({accuracies.Min():P2} to {accuracies.Max():P2}) in {Path.Combine(directory, AccuracySampleFile.CsvName)}");
                    foreach (var q in quality)
                        o.WriteLine($"{q.Predictor}: held-out mean absolute error {q.MeanAbsoluteError * 100:F2} points, Spearman {q.Spearman:F3} " +
                                    $"(fitted on {q.TrainSamples}, scored on {q.HeldOutSamples})");
                    o.WriteLine($"use it in a nas spec: \"predictor\":{{\"model\":\"{quality.MinBy(q => q.MeanAbsoluteError)!.Predictor}\",\"confirm\":10}}");
                });
                return 0;
            }));
        });
        return command;
    }

    private static Command Extract()
    {
        var supernet = new Option<string>("--supernet", "-s") { Description = "Name under the data folder's supernets/ or path of a saved super-network.", Required = true };
        var choice = new Option<string>("--choice", "-c")
        {
            Description = "One value index per decision (e.g. 0120..., as a nas result's best model is named; commas allowed), or 'largest' / 'smallest'.",
            Required = true,
        };
        var output = new Option<string?>("--out", "-o") { Description = "Folder to save the model in (default: beside the super-network, subnet-<choice>)." };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("extract", "Save one sub-network with its inherited weights (batch norm re-estimated) as an ordinary model, with its accuracy.")
        {
            supernet, choice, output, json, dataDir,
        };
        command.SetAction((parse, cancellation) =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return Task.FromResult(context.Run(() =>
            {
                var extracted = SubnetExport.Extract(parse.GetRequiredValue(supernet), parse.GetRequiredValue(choice), parse.GetValue(output), CommonOptions.Folder(parse.GetValue(dataDir)));
                var (directory, encoded, subnet, model) = (extracted.Supernet, extracted.Choice, extracted.Architecture, extracted.Model);
                var card = model.Card;
                context.Result(new
                {
                    supernet = directory,
                    choice = encoded,
                    architecture = subnet.ToString(),
                    directory = model.Directory,
                    model = card.Model,
                    testAccuracy = card.TestAccuracy,
                    validationAccuracy = card.ValidationAccuracy,
                    macs = card.Macs,
                    @params = card.Params,
                }, o =>
                {
                    o.WriteLine($"{subnet} ({encoded}): test accuracy {card.TestAccuracy:P2} (validation {card.ValidationAccuracy:P2}), {card.Macs:N0} MACs, {card.Params:N0} parameters");
                    o.WriteLine($"saved in {model.Directory}");
                });
                return 0;
            }));
        });
        return command;
    }
}
