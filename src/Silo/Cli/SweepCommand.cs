using System.CommandLine;
using AutoDesign.HardwareProfiler.Predictors;
using AutoDesign.HardwareProfiler.Tables;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Silo.Cli;

/// <summary>
/// <c>autodesign sweep --target T --models m1,m2 --name NAME</c>: measures the models and pruned variants of them on a
/// target, files every layer in a look-up table (lut:NAME) and trains a latency predictor on it (predictor:NAME).
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var target = new Option<string>("--target", "-t") { Description = "A target with per-layer figures (torchsharp-cpu, onnxruntime-cpu, or an analytic one).", Required = true };
        var models = new Option<string>("--models") { Description = "Models to sweep, comma-separated (zoo names or spec files).", Required = true };
        var dataset = new Option<string>("--dataset", "-d") { Description = "Data set whose input shape the models are built for.", DefaultValueFactory = _ => "mnist" };
        var name = new Option<string>("--name") { Description = "Table and predictor name (default: the target's name)." };
        var variants = new Option<int>("--variants") { Description = "Randomly pruned variants per model, besides 100/75/50/25% widths.", DefaultValueFactory = _ => 8 };
        var precisions = new Option<string?>("--precisions") { Description = "Bit-widths to measure at, comma-separated (e.g. W8A8,W4A4); default: the target's own." };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("sweep", "Build a per-layer latency look-up table (and a predictor) for a target by measuring models and pruned variants.")
        {
            target, models, dataset, name, variants, precisions, json, dataDir,
        };
        command.SetAction(parse =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return context.Run(() =>
            {
                var folder = CommonOptions.Folder(parse.GetValue(dataDir));
                var measured = HardwareTargets.Resolve(parse.GetRequiredValue(target), folder);
                if (measured.Kind is TargetKind.Table or TargetKind.Predictor)
                    throw new ArgumentException($"sweep a measured or analytic target, not {measured.Kind.ToString().ToLowerInvariant()} '{measured.Name}'");
                if (parse.GetValue(variants) is < 0 or > 1000) throw new ArgumentException("--variants must be between 0 and 1000");
                var info = DatasetCatalog.Resolve(parse.GetRequiredValue(dataset)).Info;
                var specs = parse.GetRequiredValue(models).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(m => BaseModels.ResolveSpec(m, info)).ToList();
                string tableName = parse.GetValue(name) ?? measured.Name.Replace(':', '-');
                if (tableName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || tableName.Contains('/')) throw new ArgumentException($"--name '{tableName}' must be a plain file name");

                var progress = new ProgressLine(context.Error);
                var bits = parse.GetValue(precisions)?.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => PrecisionArgument.Parse(p, "--precisions")).ToList();
                var table = LatencySweep.Run(tableName, measured, specs, parse.GetValue(variants), precisions: bits, progress: progress.Show);
                progress.Clear();
                string path = TableTargets.PathOf(tableName, folder);
                table.Save(path);
                context.Logger.LogInformation("Saved {Entries} entries to {Path}", table.Entries.Count, path);

                LatencyPredictor.Card? predictor = null;
                if (table.Entries.Count >= 10)
                {
                    var trained = LatencyPredictor.Train(tableName, table);
                    trained.Save(LatencyPredictor.DirectoryIn(folder));
                    predictor = trained.Info;
                }
                else context.Logger.LogWarning("Only {Entries} entries: too few to train a predictor", table.Entries.Count);

                HardwareTargets.Forget($"lut:{tableName}", folder);
                HardwareTargets.Forget($"predictor:{tableName}", folder);
                context.Result(new { table = $"lut:{tableName}", path, entries = table.Entries.Count, source = table.Source, predictor }, o =>
                {
                    o.WriteLine($"lut:{tableName}: {table.Entries.Count} layer entries from {table.Source}, saved in {path}");
                    if (predictor is not null)
                        o.WriteLine($"predictor:{tableName}: trained on {predictor.TrainingSamples} entries, held-out mean absolute error {predictor.HeldOutMape:P1} on {predictor.HeldOutSamples}");
                });
                return 0;
            });
        });
        return command;
    }
}
