using System.CommandLine;
using System.Text.Json;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Cli;

/// <summary><c>autodesign profile --model M --target T[,T2...]</c>: per-layer and total latency (and energy) on each target.</summary>
internal static class ProfileCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "Zoo name, saved model folder or spec JSON file (required unless --list)." };
        var dataset = new Option<string>("--dataset", "-d") { Description = "Data set whose input shape the model is built for.", DefaultValueFactory = _ => "mnist" };
        var targets = new Option<string>("--target", "-t") { Description = "Targets, comma-separated (see `autodesign profile --list`).", DefaultValueFactory = _ => "torchsharp-cpu" };
        var precision = new Option<string?>("--precision") { Description = "Uniform bit-widths, e.g. W8A8 or W4A4 (default: each target's own)." };
        var policy = new Option<FileInfo?>("--policy") { Description = "A precision policy JSON file: {\"default\":{\"weightBits\":8,\"activationBits\":8},\"layers\":{\"fc1\":{...}}}." };
        var list = new Option<bool>("--list") { Description = "List the targets instead of profiling." };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("profile", "Measure or model a network's latency (and energy) per layer on hardware targets.")
        {
            model, dataset, targets, precision, policy, list, json, dataDir,
        };
        command.SetAction(parse =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return context.Run(() =>
            {
                var folder = CommonOptions.Folder(parse.GetValue(dataDir));
                if (parse.GetValue(list))
                {
                    var all = HardwareTargets.NamesIn(folder).Select(n => HardwareTargets.Resolve(n, folder)).Select(t => new { t.Name, kind = t.Kind, t.Description }).ToList();
                    context.Result(new { targets = all }, o => all.ForEach(t => o.WriteLine($"{t.Name,-18} {t.kind.ToString().ToLowerInvariant(),-10} {t.Description}")));
                    return 0;
                }
                string modelName = parse.GetValue(model) ?? throw new ArgumentException("--model is required (or --list to see the targets)");
                var spec = BaseModels.ResolveSpec(modelName, DatasetCatalog.InfoOf(parse.GetRequiredValue(dataset), folder), folder);
                var bits = Precision(parse.GetValue(precision), parse.GetValue(policy));
                bits?.Validate(spec);
                var reports = parse.GetRequiredValue(targets).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(t => HardwareTargets.Resolve(t, folder)).ToList() // resolve all first: a bad name fails before any measurement
                    .Select(t =>
                    {
                        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(context.Logger, "Profiling {Model} on {Target}", modelName, t.Name);
                        return t.Measure(spec, bits);
                    }).ToList();
                context.Result(new { model = modelName, macs = spec.Analyze().Macs, precision = bits?.Key, reports }, o =>
                {
                    foreach (var r in reports) Write(o, modelName, r);
                });
                return 0;
            });
        });
        return command;
    }

    private static PrecisionPolicy? Precision(string? uniform, FileInfo? file)
    {
        if (uniform is not null && file is not null) throw new ArgumentException("give --precision or --policy, not both");
        if (file is not null)
        {
            if (!file.Exists) throw new FileNotFoundException($"{file.FullName}: no such policy file");
            try
            {
                return JsonSerializer.Deserialize<PrecisionPolicy>(File.ReadAllText(file.FullName), AutoDesignJson.Indented)
                    ?? throw new ArgumentException($"{file.FullName}: empty policy");
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"{file.FullName}: {e.Message}", e);
            }
        }
        return uniform is null ? null : PrecisionNotation.Parse(uniform, "--precision");
    }

    private static void Write(TextWriter o, string model, CostReport r)
    {
        string how = r.Kind == TargetKind.Measured ? "measured" : $"{r.Kind.ToString().ToLowerInvariant()}, simulated";
        o.WriteLine($"{model} on {r.Target} ({how}; {string.Join(", ", r.Conditions.Where(c => c.Key is "batch" or "threads" or "precision" or "device").Select(c => $"{c.Key} {c.Value}"))})");
        bool energy = r.Energy is not null, bound = r.Layers.Any(l => l.Bound is not null);
        o.WriteLine($"  {"layer",-16} {"latency",12}{(energy ? $" {"energy",12}" : "")}{(bound ? $"  {"bound by",-8} {"compute",12} {"memory",12}" : "")}");
        foreach (var layer in r.Layers)
            o.WriteLine($"  {layer.Layer,-16} {layer.Latency.Value,10:G4} {layer.Latency.Unit}{(energy ? $" {layer.Energy!.Value,10:G4} {layer.Energy.Unit}" : "")}" +
                        (layer is { Bound: { } b, ComputeTime: { } c, MemoryTime: { } m } ? $"  {b,-8} {c.Value,10:G4} {c.Unit} {m.Value,10:G4} {m.Unit}" : ""));
        o.WriteLine($"  {"total",-16} {r.Latency.Value,10:G4} {r.Latency.Unit}{(energy ? $" {r.Energy!.Value,10:G4} {r.Energy.Unit}" : "")}{(r.Latency is { Spread: { } s, Samples: { } n } ? $"  (IQR {s:G3}, {n} runs)" : "")}");
        if (r.Conditions.TryGetValue("note", out var note)) o.WriteLine($"  note: {note}");
        o.WriteLine();
    }
}
