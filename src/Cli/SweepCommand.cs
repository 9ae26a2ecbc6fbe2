using System.CommandLine;
using AutoDesign.HardwareProfiler.Tables;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Jobs;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Cli;

/// <summary>
/// <c>autodesign sweep --target T --models m1,m2 --name NAME</c>: measures the models and pruned variants of them on a
/// target, files every layer in a look-up table (lut:NAME) and trains a latency predictor on it (predictor:NAME).
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var target = new Option<string>("--target", "-t") { Description = "A target with per-layer figures (torchsharp-cpu, onnxruntime-cpu, or an analytic one).", Required = true };
        var models = new Option<string?>("--models") { Description = "Models to sweep, comma-separated (zoo names or spec files)." };
        var supernet = new Option<string?>("--supernet")
        {
            Description = "Also sweep a saved super-network's uniform sub-networks (every kernel and expansion at full depth): every layer any of its sub-networks has.",
        };
        var dataset = new Option<string>("--dataset", "-d") { Description = "Data set whose input shape the models are built for.", DefaultValueFactory = _ => "mnist" };
        var name = new Option<string>("--name") { Description = "Table and predictor name (default: the target's name)." };
        var variants = new Option<int>("--variants") { Description = "Randomly pruned variants per model, besides 100/75/50/25% widths.", DefaultValueFactory = _ => 8 };
        var precisions = new Option<string?>("--precisions") { Description = "Bit-widths to measure at, comma-separated (e.g. W8A8,W4A4); default: the target's own." };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("sweep", "Build a per-layer latency look-up table (and a predictor) for a target by measuring models and pruned variants.")
        {
            target, models, supernet, dataset, name, variants, precisions, json, dataDir,
        };
        command.SetAction(parse =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return context.Run(() =>
            {
                var folder = CommonOptions.Folder(parse.GetValue(dataDir));
                string? modelList = parse.GetValue(models), supernetName = parse.GetValue(supernet);
                if (modelList is null && supernetName is null) throw new ArgumentException("name --models, --supernet or both");
                var progress = new ProgressLine(context.Error);
                var request = new TableBuildRequest(
                    parse.GetRequiredValue(target),
                    modelList?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
                    parse.GetRequiredValue(dataset),
                    parse.GetValue(name),
                    parse.GetValue(variants),
                    parse.GetValue(precisions)?.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => PrecisionNotation.Parse(p, "--precisions")).ToList(),
                    supernetName is null ? null : UniformSubnets(supernetName, folder));
                var built = TableBuild.Run(request, folder, progress.Show);
                progress.Clear();
                context.Logger.LogInformation("Saved {Entries} entries to {Path}", built.Entries, built.Path);
                if (built.Predictor is null) context.Logger.LogWarning("Only {Entries} entries: too few to train a predictor", built.Entries);
                var predictor = built.Predictor;
                string tableName = built.Table["lut:".Length..];
                context.Result(new { table = built.Table, path = built.Path, entries = built.Entries, source = built.Source, predictor, networkLatencyMs = built.NetworkLatencyMs }, o =>
                {
                    o.WriteLine($"{built.Table}: {built.Entries} layer entries from {built.Source}, saved in {built.Path}");
                    if (predictor is not null)
                        o.WriteLine($"predictor:{tableName}: trained on {predictor.TrainingSamples} entries, held-out mean absolute error {predictor.HeldOutMape:P1} on {predictor.HeldOutSamples}");
                });
                return 0;
            });
        });
        return command;
    }

    /// <summary>
    /// One sub-network per kernel and expansion, every block alike, every stage at full depth: together they hold every
    /// layer shape a sub-network can have (a shallower stage keeps its first blocks), so a table built from them costs
    /// any sub-network without interpolation, as Once-for-All's latency tables do.
    /// </summary>
    private static IReadOnlyList<ModelSpec> UniformSubnets(string nameOrPath, Modeling.DataFolder folder)
    {
        string directory = SupernetFolders.Require(nameOrPath, folder);
        var layout = SavedSupernet.Load(directory).Layout;
        var space = new SubnetSpace(layout);
        return [.. from kernel in layout.Kernels
                   from expansion in layout.Expansions
                   select SubnetExtraction.Spec(layout, space.Uniform(kernel, expansion, layout.Depths[^1]), $"ofa-k{kernel}-e{expansion}")];
    }
}
