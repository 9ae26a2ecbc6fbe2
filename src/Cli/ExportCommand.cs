using System.CommandLine;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Torch;
using AutoDesign.HardwareProfiler.Onnx;
using static TorchSharp.torch;

namespace AutoDesign.Cli;

/// <summary><c>autodesign export --model M --format onnx</c>: writes a trained model as ONNX (float32 or int8), its spec, or its weights.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A saved model folder, an upload (upload:NAME), or a zoo name (the newest trained one in the cache).", Required = true };
        var dataset = new Option<string>("--dataset", "-d") { Description = "The data set it was trained on (to find it in the cache, and to calibrate int8).", DefaultValueFactory = _ => "mnist" };
        var format = new Option<string>("--format", "-f") { Description = "onnx, onnx-decode (a language model's decode step with its KV cache), json (the spec) or weights (TorchSharp state dict).", DefaultValueFactory = _ => "onnx" };
        format.AcceptOnlyFromAmong([.. ModelExport.Formats]);
        var int8 = new Option<bool>("--int8") { Description = "ONNX with every layer with weights in int8 (QDQ), calibrated on 256 training images." };
        var untrained = new Option<bool>("--untrained") { Description = "Export a zoo model with random weights when none is trained (for profiling elsewhere)." };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Output file (default: <model>.<format extension> in the current folder)." };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("export", "Export a model as ONNX (for ONNX Runtime and other runtimes), as its spec, or as its weights.")
        {
            model, dataset, format, int8, untrained, output, json, dataDir,
        };
        command.SetAction(parse =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return context.Run(() =>
            {
                var folder = CommonOptions.Folder(parse.GetValue(dataDir));
                string name = parse.GetRequiredValue(model), datasetName = parse.GetRequiredValue(dataset), kind = parse.GetRequiredValue(format);
                string located = new UploadedModels(folder).Locate(name);
                var saved = SavedModel.IsSavedModel(located) ? SavedModel.Load(located) : new ModelStore(folder).Find(name, datasetName).FirstOrDefault();
                if (saved is null && !parse.GetValue(untrained))
                    throw new ArgumentException($"no trained '{name}' on '{datasetName}': train it first, or pass --untrained for random weights");
                using var network = saved?.CreateNetwork() ?? Untrained(name, datasetName, folder);
                string path = parse.GetValue(output)?.FullName ?? Path.GetFullPath(Path.GetFileName(name.TrimEnd('/').Replace(UploadedModels.Prefix, "", StringComparison.Ordinal)) + ModelExport.Extension(kind));
                var int8Layers = parse.GetValue(int8) && kind == "onnx"
                    ? network.Spec.Layers.Where(l => l.HasWeights).Select(l => l.Name).ToHashSet()
                    : new HashSet<string>();
                File.WriteAllBytes(path, ModelExport.Write(network, kind, int8Layers, saved, folder));
                context.Result(new { model = name, format = kind, int8 = parse.GetValue(int8), trained = saved is not null, path, bytes = new FileInfo(path).Length },
                    o => o.WriteLine($"wrote {path} ({new FileInfo(path).Length:N0} bytes{(saved is null ? ", random weights" : "")})"));
                return 0;
            });
        });
        return command;
    }

    private static SpecNetwork Untrained(string name, string dataset, DataFolder folder)
    {
        var spec = BaseModels.ResolveSpec(name, DatasetCatalog.InfoOf(dataset, folder), folder);
        manual_seed(1);
        var network = new SpecNetwork(spec);
        network.eval();
        return network;
    }
}
