using System.CommandLine;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Cli;

/// <summary><c>autodesign inspect --model M [--dataset D]</c>: the layer table, totals and channel ties of a model.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Zoo name (e.g. resnet20-w0.5), upload:NAME, saved model folder or spec JSON file.", Required = true };
        var dataset = new Option<string>("--dataset", "-d") { Description = "Data set whose input shape and classes the model is built for.", DefaultValueFactory = _ => "mnist" };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("inspect", "Print a model's layers (shapes, MACs, parameters), totals and channel ties.") { model, dataset, json, dataDir };
        command.SetAction(parse =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return context.Run(() =>
            {
                string modelName = parse.GetRequiredValue(model), datasetName = parse.GetRequiredValue(dataset);
                var folder = CommonOptions.Folder(parse.GetValue(dataDir));
                var info = DatasetCatalog.InfoOf(datasetName, folder);
                var spec = BaseModels.ResolveSpec(modelName, info, folder);
                var analysis = spec.Analyze();
                context.Result(new
                {
                    model = modelName,
                    dataset = datasetName,
                    input = spec.Input,
                    classes = spec.Classes,
                    layers = analysis.Layers.Select(l => new
                    {
                        l.Name, op = l.Op, l.InChannels, l.OutChannels, l.Kernel, l.Stride, l.Groups,
                        inputShape = l.InputShape.ToString(), outputShape = l.OutputShape.ToString(), l.Macs, l.Params,
                    }),
                    macs = analysis.Macs,
                    @params = analysis.Params,
                    kvValuesPerToken = analysis.KvValuesPerToken,
                    channelGroups = analysis.ChannelGroups,
                }, output => WriteTable(output, modelName, spec, analysis));
                return 0;
            });
        });
        return command;
    }

    private static void WriteTable(TextWriter output, string name, ModelSpec spec, ModelAnalysis analysis)
    {
        output.WriteLine($"{name}: input {spec.Input}, {spec.Classes} classes");
        output.WriteLine($"{"layer",-16} {"type",-16} {"in",6} {"out",6} {"kernel",6} {"stride",6} {"groups",6} {"output",-12} {"MACs",14} {"params",12}");
        foreach (var l in analysis.Layers)
        {
            string op = System.Text.Json.JsonSerializer.Serialize(l.Op).Trim('"');
            output.WriteLine($"{l.Name,-16} {op,-16} {l.InChannels,6} {l.OutChannels,6} {l.Kernel,6} {l.Stride,6} {l.Groups,6} {l.OutputShape,-12} {l.Macs,14:N0} {l.Params,12:N0}");
        }
        output.WriteLine($"{"total",-16} {"",-16} {"",6} {"",6} {"",6} {"",6} {"",6} {"",-12} {analysis.Macs,14:N0} {analysis.Params,12:N0}");
        if (analysis.KvValuesPerToken > 0)
            output.WriteLine($"KV cache: {analysis.KvValuesPerToken:N0} values per token ({analysis.KvValuesPerToken * 2:N0} bytes at 16 bits, " +
                             $"{analysis.KvValuesPerToken * 2L * 1024 / 1024.0 / 1024:F1} MiB for 1,024 tokens)");
        output.WriteLine();
        output.WriteLine("channel groups (layers whose channels are pruned together):");
        foreach (var g in analysis.ChannelGroups)
        {
            string members = g.Producers.Count == 0 ? "network input"
                : string.Join(", ", g.Producers.Select(p => g.ExpansionOf(p) > 1 ? $"{p} x{g.ExpansionOf(p)}" : p).Concat(g.Followers));
            output.WriteLine($"  #{g.Id,-3} {g.Channels,5} ch  {(g.Prunable ? "prunable" + (g.Block > 1 ? $" in blocks of {g.Block}" : "") : "fixed: " + g.FixedBecause)}  [{members}]");
        }
    }
}
