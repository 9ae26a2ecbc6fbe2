using System.Runtime.CompilerServices;
using AutoDesign.Modeling.Torch;

namespace AutoDesign.HardwareProfiler.Tests;

internal static class TorchSetup
{
#pragma warning disable CA2255 // the test assembly must set LibTorch up before any test runs a convolution
    [ModuleInitializer]
    internal static void Initialize() => TorchRuntime.EnsureInitialized();
#pragma warning restore CA2255
}
