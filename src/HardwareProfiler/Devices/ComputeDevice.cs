namespace AutoDesign.HardwareProfiler.Devices;

/// <summary>A device this machine can run networks on, as TorchSharp names it ("cpu", "cuda:0").</summary>
/// <param name="Threads">Threads TorchSharp uses on it (CPU) or 0 where that does not apply.</param>
public sealed record ComputeDevice(string Name, string Kind, string Description, int Threads);
