using System.Collections.Concurrent;
using AutoDesign.HardwareProfiler.Analytic;
using AutoDesign.HardwareProfiler.Measured;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Inputs;

namespace AutoDesign.HardwareProfiler.Targets;

/// <summary>
/// Names a target: <c>torchsharp-cpu</c>, <c>torchsharp-cuda</c> (where TorchSharp sees a GPU), <c>onnxruntime-cpu</c>, the hardware
/// descriptions shipped in presets/hardware (<c>bitfusion</c>, <c>bismo</c>, <c>bismo-cloud</c>, <c>gpu-a100</c>, <c>gpu-jetson-nano</c>),
/// <c>analytic:&lt;file.json&gt;</c> for a description of one's own, or <c>lut:&lt;name or file&gt;</c> for a look-up table
/// (a sweep's, in the data folder's luts/, or a Once-for-All / ProxylessNAS YAML table). Resolved targets are shared
/// and cache their reports.
/// </summary>
public static class HardwareTargets
{
    private static readonly ConcurrentDictionary<(string Root, bool Confined, string Name), Lazy<IHardwareTarget>> Resolved = new();

    public static string PresetDirectory => Path.Combine(AppContext.BaseDirectory, "presets", "hardware");

    public static IReadOnlyList<string> Names => NamesIn(DataFolder.Default());

    /// <summary>Every target name, including the tables and predictors in <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> NamesIn(DataFolder folder)
    {
        {
            var names = new List<string> { "torchsharp-cpu", "onnxruntime-cpu" };
            if (TorchSharp.torch.cuda.is_available()) names.Add("torchsharp-cuda");
            if (Directory.Exists(PresetDirectory))
                names.AddRange(Directory.GetFiles(PresetDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order());
            if (Directory.Exists(Tables.TableTargets.DirectoryIn(folder)))
                names.AddRange(Directory.GetFiles(Tables.TableTargets.DirectoryIn(folder), "*.json").Select(f => "lut:" + Path.GetFileNameWithoutExtension(f)).Order());
            if (Directory.Exists(Predictors.LatencyPredictor.DirectoryIn(folder)))
                names.AddRange(Directory.GetFiles(Predictors.LatencyPredictor.DirectoryIn(folder), "*.zip").Select(f => "predictor:" + Path.GetFileNameWithoutExtension(f)).Order());
            return names;
        }
    }

    /// <summary>The named target; tables and predictors are looked up in <paramref name="folder"/> (default: the default data folder).</summary>
    public static IHardwareTarget Resolve(string name, DataFolder? folder = null)
    {
        folder ??= DataFolder.Default();
        var key = (folder.Root, folder.Access.IsConfined, name);
        var lazy = Resolved.GetOrAdd(key, k => new Lazy<IHardwareTarget>(() => new CachedTarget(Create(k.Name, folder))));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Resolved.TryRemove(new KeyValuePair<(string, bool, string), Lazy<IHardwareTarget>>(key, lazy));
            throw;
        }
    }

    /// <summary>Forgets a resolved target (after its table or predictor file changed).</summary>
    public static void Forget(string name, DataFolder? folder = null)
    {
        string root = (folder ?? DataFolder.Default()).Root;
        foreach (bool confined in new[] { false, true }) Resolved.TryRemove((root, confined, name), out _);
    }

    private static IHardwareTarget Create(string name, DataFolder folder)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a target name is required");
        if (name == "torchsharp-cpu") return new TorchSharpTarget("cpu");
        if (name == "onnxruntime-cpu") return new Onnx.OnnxRuntimeTarget();
        if (name == "torchsharp-cuda")
            return TorchSharp.torch.cuda.is_available()
                ? new TorchSharpTarget("cuda:0")
                : throw new ArgumentException("target 'torchsharp-cuda': TorchSharp sees no CUDA device on this machine");
        if (name.StartsWith("analytic:", StringComparison.Ordinal))
            return AnalyticTarget.Load(folder.Inputs.File(name["analytic:".Length..], InputFormat.HardwareDescription));
        if (name.StartsWith("lut:", StringComparison.Ordinal)) return Tables.TableTargets.Load(name["lut:".Length..], folder);
        if (name.StartsWith("predictor:", StringComparison.Ordinal)) return new Predictors.PredictorTarget(Predictors.LatencyPredictor.Load(folder, name["predictor:".Length..]));
        string preset = Path.Combine(PresetDirectory, name + ".json");
        if (!name.Contains('/') && File.Exists(preset)) return AnalyticTarget.Load(preset);
        throw new ArgumentException($"unknown target '{name}': use {string.Join(", ", NamesIn(folder))}, analytic:<hardware description file> lut:<table name or file> or predictor:<name>");
    }
}
