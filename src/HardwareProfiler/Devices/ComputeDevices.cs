using static TorchSharp.torch;

namespace AutoDesign.HardwareProfiler.Devices;

/// <summary>Finds the devices of this machine: always the CPU, and every CUDA device TorchSharp can see.</summary>
public static class ComputeDevices
{
    public static IReadOnlyList<ComputeDevice> Detect()
    {
        var devices = new List<ComputeDevice> { new("cpu", "cpu", CpuModel(), get_num_threads()) };
        if (cuda.is_available())
            for (int i = 0; i < cuda.device_count(); i++)
                devices.Add(new ComputeDevice($"cuda:{i}", "cuda", $"CUDA device {i}", 0));
        return devices;
    }

    private static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        string? model = File.Exists(cpuInfo)
            ? File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{model ?? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} logical cores";
    }
}
