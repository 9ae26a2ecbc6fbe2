using System.Collections.Concurrent;
using AutoDesign.HardwareProfiler.Analytic;
using AutoDesign.HardwareProfiler.Measured;

namespace AutoDesign.HardwareProfiler.Targets;

/// <summary>
/// Names a target: <c>torchsharp-cpu</c>, <c>torchsharp-cuda</c> (where TorchSharp sees a GPU), <c>onnxruntime-cpu</c>, the hardware
/// descriptions shipped in presets/hardware (<c>bitfusion</c>, <c>bismo</c>, <c>gpu-a100</c>, <c>gpu-jetson-nano</c>),
/// <c>analytic:&lt;file.json&gt;</c> for a description of one's own, or <c>lut:&lt;name or file&gt;</c> for a look-up table
/// (a sweep's, in the data folder's luts/, or a Once-for-All / ProxylessNAS YAML table). Resolved targets are shared
/// and cache their reports.
/// </summary>
public static class HardwareTargets
{
    private static readonly ConcurrentDictionary<string, Lazy<IHardwareTarget>> Resolved = new();

    public static string PresetDirectory => Path.Combine(AppContext.BaseDirectory, "presets", "hardware");

    public static IReadOnlyList<string> Names
    {
        get
        {
            var names = new List<string> { "torchsharp-cpu", "onnxruntime-cpu" };
            if (TorchSharp.torch.cuda.is_available()) names.Add("torchsharp-cuda");
            if (Directory.Exists(PresetDirectory))
                names.AddRange(Directory.GetFiles(PresetDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order());
            if (Directory.Exists(Tables.TableTargets.Directory))
                names.AddRange(Directory.GetFiles(Tables.TableTargets.Directory, "*.json").Select(f => "lut:" + Path.GetFileNameWithoutExtension(f)).Order());
            return names;
        }
    }

    public static IHardwareTarget Resolve(string name)
    {
        var lazy = Resolved.GetOrAdd(name, n => new Lazy<IHardwareTarget>(() => new CachedTarget(Create(n))));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Resolved.TryRemove(new KeyValuePair<string, Lazy<IHardwareTarget>>(name, lazy));
            throw;
        }
    }

    private static IHardwareTarget Create(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a target name is required");
        if (name == "torchsharp-cpu") return new TorchSharpTarget("cpu");
        if (name == "onnxruntime-cpu") return new Onnx.OnnxRuntimeTarget();
        if (name == "torchsharp-cuda")
            return TorchSharp.torch.cuda.is_available()
                ? new TorchSharpTarget("cuda:0")
                : throw new ArgumentException("target 'torchsharp-cuda': TorchSharp sees no CUDA device on this machine");
        if (name.StartsWith("analytic:", StringComparison.Ordinal)) return AnalyticTarget.Load(name["analytic:".Length..]);
        if (name.StartsWith("lut:", StringComparison.Ordinal)) return Tables.TableTargets.Load(name["lut:".Length..]);
        string preset = Path.Combine(PresetDirectory, name + ".json");
        if (!name.Contains('/') && File.Exists(preset)) return AnalyticTarget.Load(preset);
        throw new ArgumentException($"unknown target '{name}': use {string.Join(", ", Names)}, analytic:<hardware description file> or lut:<table name or file>");
    }
}
