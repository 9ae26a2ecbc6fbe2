using System.CommandLine;
using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Import;
using AutoDesign.Modeling.Inputs;

namespace AutoDesign.Cli;

/// <summary>
/// <c>autodesign import MODEL.onnx --name N [--dataset D] [--check]</c>: reads a CNN from an ONNX file and registers it
/// as the upload <c>upload:N</c>, which jobs, inspect, profile, evaluate and export then take like any model.
/// </summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("model") { Description = "The ONNX file (as torch.onnx.export writes it, opset 11 to 21)." };
        var name = new Option<string>("--name", "-n") { Description = "The name to register it under (then named upload:NAME).", Required = true };
        var dataset = new Option<string?>("--dataset", "-d") { Description = "The data set it was trained for: checked against its input and classes, and its test accuracy measured." };
        var check = new Option<bool>("--check") { Description = "Compare the imported network with ONNX Runtime on the original file (and on the file exported back) for random images." };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("import", "Import a trained CNN from an ONNX file as an upload.") { file, name, dataset, check, json, dataDir };
        command.SetAction(parse =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return context.Run(() =>
            {
                var folder = CommonOptions.Folder(parse.GetValue(dataDir));
                string path = parse.GetRequiredValue(file).FullName, modelName = parse.GetRequiredValue(name);
                if (modelName.Length is 0 or > 64 || modelName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || modelName.StartsWith('.'))
                    throw new ArgumentException("--name must be a plain name of 1 to 64 characters");
                byte[] bytes = folder.Inputs.ReadBytes(path, InputFormat.Onnx);
                var imported = OnnxImporter.Import(bytes, modelName);
                var verified = parse.GetValue(check) ? ImportCheck.Run(bytes, imported) : null;
                var saved = new UploadedModels(folder).Save(modelName, parse.GetValue(dataset), imported);
                context.Result(new
                {
                    model = saved.Reference,
                    layers = imported.Spec.Layers.Count,
                    macs = saved.Macs,
                    parameters = saved.Params,
                    opset = imported.Opset,
                    testAccuracy = saved.TestAccuracy,
                    notes = imported.Notes,
                    check = verified,
                }, output =>
                {
                    output.WriteLine($"imported {Path.GetFileName(path)} as {saved.Reference}: {imported.Spec.Layers.Count} layers, {saved.Macs:N0} MACs, {saved.Params:N0} parameters (opset {imported.Opset})");
                    foreach (var note in imported.Notes) output.WriteLine($"  {note}");
                    if (saved.TestAccuracy is { } accuracy) output.WriteLine($"  test accuracy on {saved.Dataset}: {accuracy:P2}");
                    if (verified is not null)
                        output.WriteLine($"  check on {verified.Images} random images: TorchSharp differs from ONNX Runtime by {verified.TorchSharpDifference:E2} (relative), " +
                                         $"the model exported back by {verified.ReexportDifference:E2}");
                });
                return 0;
            });
        });
        return command;
    }
}
