using System.CommandLine;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Training;

namespace AutoDesign.Cli;

/// <summary><c>autodesign train --model M --dataset D [--epochs N]</c>: trains once into the model cache and prints test accuracy.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Zoo name (e.g. lenet5, resnet20-w0.5) or spec JSON file.", Required = true };
        var dataset = new Option<string>("--dataset", "-d") { Description = "mnist, fashion-mnist, idx:<folder> or cifar10:<folder>.", Required = true };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (default: the model family's recipe)." };
        var optimizer = new Option<OptimizerKind?>("--optimizer") { Description = "sgd or adam (default: the recipe's)." };
        var learningRate = new Option<double?>("--lr") { Description = "Initial learning rate; a cosine schedule takes it to zero." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Images per step (default 128)." };
        var augment = new Option<bool?>("--augment") { Description = "Random shifts (and mirror images where valid): true or false." };
        var seed = new Option<int?>("--seed") { Description = "Seed for initialisation, shuffling and augmentation (default 1)." };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training images (for quick checks)." };
        var force = new Option<bool>("--force") { Description = "Train again even if the cache holds this model." };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("train", "Train a model on a data set (once: later requests are served from the model cache).")
        {
            model, dataset, epochs, optimizer, learningRate, batchSize, augment, seed, trainLimit, force, json, dataDir,
        };
        command.SetAction((parse, cancellation) =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return Task.FromResult(context.Run(() =>
            {
                string modelName = parse.GetRequiredValue(model), datasetName = parse.GetRequiredValue(dataset);
                var recipe = TrainingOptions.RecipeFor(modelName);
                var options = recipe with
                {
                    Epochs = parse.GetValue(epochs) ?? recipe.Epochs,
                    Optimizer = parse.GetValue(optimizer) ?? recipe.Optimizer,
                    LearningRate = parse.GetValue(learningRate)
                        ?? (parse.GetValue(optimizer) is { } chosen && chosen != recipe.Optimizer ? (chosen is OptimizerKind.Adam or OptimizerKind.AdamW ? 1e-3 : 0.1) : recipe.LearningRate),
                    BatchSize = parse.GetValue(batchSize) ?? recipe.BatchSize,
                    Augment = parse.GetValue(augment) ?? recipe.Augment,
                    Seed = parse.GetValue(seed) ?? recipe.Seed,
                    TrainLimit = parse.GetValue(trainLimit) ?? recipe.TrainLimit,
                };
                if (options.Problem() is { } problem) throw new ArgumentException(problem);

                var progress = new ProgressLine(context.Error);
                var models = new BaseModels(CommonOptions.Folder(parse.GetValue(dataDir)), context.Logger);
                var result = models.GetOrTrain(modelName, datasetName, options, parse.GetValue(force),
                    onEpoch: _ => progress.Clear(),
                    onBatch: b => progress.Show($"epoch {b.Epoch}/{b.Epochs}  batch {b.Batch}/{b.Batches}  loss {b.RunningLoss:F4}"),
                    cancellation: cancellation);
                progress.Clear();

                var card = result.Model.Card;
                context.Result(new
                {
                    model = modelName,
                    dataset = datasetName,
                    directory = result.Model.Directory,
                    fromCache = result.FromCache,
                    testAccuracy = card.TestAccuracy,
                    validationAccuracy = card.ValidationAccuracy,
                    testPerplexity = card.TestPerplexity,
                    validationPerplexity = card.ValidationPerplexity,
                    testError = card.TestError,
                    copyLastFrameError = card.CopyLastFrameError,
                    epochs = card.History.Count,
                    trainingSeconds = Math.Round(card.TrainingSeconds, 1),
                    macs = card.Macs,
                    @params = card.Params,
                    training = card.Training,
                    history = card.History,
                }, output =>
                {
                    string score = card.TestPerplexity is { } perplexity
                        ? $"test perplexity {perplexity:F3}, next-token accuracy {card.TestAccuracy:P2} (validation {card.ValidationPerplexity:F3}, {card.ValidationAccuracy:P2})"
                        : card.TestError is { } error
                        ? $"test error {error:F5} per pixel, copying the last frame {card.CopyLastFrameError:F5} (validation {card.ValidationError:F5})"
                        : $"test accuracy {card.TestAccuracy:P2} (validation {card.ValidationAccuracy:P2})";
                    output.WriteLine($"{modelName} on {datasetName}: {score} after {card.History.Count} epochs, {card.TrainingSeconds:F0} s" +
                                     (result.FromCache ? " [from the model cache]" : ""));
                    output.WriteLine($"saved in {result.Model.Directory}");
                });
                return 0;
            }));
        });
        return command;
    }
}
