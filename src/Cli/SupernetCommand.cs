using System.CommandLine;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Architecture.Predictor;
using AutoDesign.Search.Jobs;
using static TorchSharp.torch;

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
    public static readonly IReadOnlyList<string> Layouts = ["small", "tiny"];

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
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("train", "Train a super-network by progressive shrinking; rerun to continue an interrupted training.")
        {
            dataset, name, trainLimit, epochsPerPhase, fullEpochs, distill, layout, seed, json, dataDir,
        };
        command.SetAction((parse, cancellation) =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return Task.FromResult(context.Run(() =>
            {
                var folder = CommonOptions.Folder(parse.GetValue(dataDir));
                string datasetName = parse.GetRequiredValue(dataset);
                string supernetName = parse.GetValue(name) ?? datasetName.Replace(':', '-').Replace('/', '-');
                if (supernetName.Length == 0 || supernetName.IndexOfAny([.. Path.GetInvalidFileNameChars(), '.']) >= 0)
                    throw new ArgumentException($"--name '{supernetName}' must be a plain folder name");
                string layoutName = parse.GetValue(layout) ?? "small";
                if (!Layouts.Contains(layoutName)) throw new ArgumentException($"--layout '{layoutName}' is unknown: use {string.Join(", ", Layouts)}");
                int elasticEpochs = parse.GetValue(epochsPerPhase) ?? 1;
                double distillation = parse.GetValue(distill) ?? 1;
                if (distillation < 0) throw new ArgumentException($"--distill must not be negative, got {distillation}");
                var elastic = new PhaseOptions { Epochs = elasticEpochs, LearningRate = 0.03, Distillation = distillation };
                var options = new ShrinkingOptions
                {
                    Full = new PhaseOptions { Epochs = parse.GetValue(fullEpochs) ?? 3, LearningRate = 0.1 },
                    ElasticKernel = elastic,
                    ElasticDepth = elastic with { SubnetsPerStep = 2 },
                    ElasticExpansion = elastic with { SubnetsPerStep = 2 },
                    TrainLimit = parse.GetValue(trainLimit) ?? 0,
                    Seed = parse.GetValue(seed) ?? 1,
                };
                if (options.Problem() is { } problem) throw new ArgumentException(problem);

                var data = DatasetCatalog.Load(datasetName, folder);
                if (!data.Info.HasImages) throw new ArgumentException($"'{datasetName}' has no images to train on");
                var shape = layoutName == "tiny" ? SupernetLayout.Tiny(data.Info.Shape, data.Info.Classes) : SupernetLayout.Small(data.Info.Shape, data.Info.Classes);
                string root = Path.Combine(SupernetSource.Root(folder), supernetName);
                Directory.CreateDirectory(root);
                manual_seed(options.Seed);
                using var network = new SuperNetwork(shape);
                var history = new ProgressiveShrinking(context.Logger).Train(network, data, options, Path.Combine(root, "training"),
                    onEpoch: e => context.Error.WriteLine(
                        $"{e.Phase} epoch {e.Epoch}/{e.Epochs}: loss {e.TrainLoss:F4}, largest {e.LargestAccuracy:P2}, smallest {e.SmallestAccuracy:P2} ({e.Seconds:F0} s)"),
                    cancellation: cancellation);
                var saved = new SavedSupernet(supernetName, shape, datasetName, data.Mean, data.Std, options, history);
                string directory = Path.Combine(root, "supernet");
                saved.Save(directory, network);

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
                var folder = CommonOptions.Folder(parse.GetValue(dataDir));
                string nameOrPath = parse.GetRequiredValue(supernet);
                string directory = SupernetSource.Require(nameOrPath, folder);
                int wanted = parse.GetValue(count) ?? 200;
                if (wanted < NasJobValidator.MinimumSamples) throw new ArgumentException($"--count must be at least {NasJobValidator.MinimumSamples}, got {wanted}");
                var saved = SavedSupernet.Load(directory);
                var data = DatasetCatalog.Load(saved.Dataset, folder);
                using var network = saved.CreateNetwork(directory);
                using var evaluator = new SubnetEvaluator(data, SupernetSource.ValidationImages, SupernetSource.RecalibrationImages);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var file = new AccuracySampling(context.Logger).Collect(network, evaluator, saved.Dataset, SupernetSource.RecalibrationImages, wanted, directory,
                    onSample: s => context.Error.WriteLine($"{s.Choice}: {s.Accuracy:P2}, {s.Macs:N0} MACs"), cancellation: cancellation);
                var quality = PredictorComparison.Run(file);
                var accuracies = file.Samples.Select(s => s.Accuracy).ToList();
                context.Result(new
                {
                    supernet = directory,
                    samples = file.Samples.Count,
                    file = Path.Combine(directory, AccuracySampleFile.JsonName),
                    seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
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
                var folder = CommonOptions.Folder(parse.GetValue(dataDir));
                string nameOrPath = parse.GetRequiredValue(supernet);
                string directory = SupernetSource.Require(nameOrPath, folder);
                var saved = SavedSupernet.Load(directory);
                var space = new SubnetSpace(saved.Layout);
                string text = parse.GetRequiredValue(choice).Trim();
                var subnet = text switch
                {
                    "largest" => space.Largest,
                    "smallest" => space.Smallest,
                    _ => space.Decode(Indices(text)),
                };
                string encoded = string.Concat(space.Encode(space.Canonical(subnet)));
                string target = parse.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(directory)!, $"subnet-{encoded}");
                var data = DatasetCatalog.Load(saved.Dataset, folder);
                using var network = saved.CreateNetwork(directory);
                var model = saved.SaveSubnet(network, subnet, data, target);
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

    private static int[] Indices(string text)
    {
        var parts = text.Contains(',') ? text.Split(',', StringSplitOptions.TrimEntries) : [.. text.Select(c => c.ToString())];
        return [.. parts.Select(p => int.TryParse(p, out int i) ? i : throw new ArgumentException($"--choice: '{p}' is not a value index"))];
    }
}
