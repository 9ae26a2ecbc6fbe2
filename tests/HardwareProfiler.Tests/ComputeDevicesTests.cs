using AutoDesign.HardwareProfiler.Devices;

namespace AutoDesign.HardwareProfiler.Tests;

public class ComputeDevicesTests
{
    [Fact]
    public void The_cpu_is_always_found_with_its_threads()
    {
        var devices = ComputeDevices.Detect();

        var cpu = Assert.Single(devices, d => d.Kind == "cpu");
        Assert.Equal("cpu", cpu.Name);
        Assert.InRange(cpu.Threads, 1, 4096);
        Assert.Contains($"{Environment.ProcessorCount} logical cores", cpu.Description);
        Assert.Equal(TorchSharp.torch.cuda.is_available(), devices.Any(d => d.Kind == "cuda"));
    }
}
