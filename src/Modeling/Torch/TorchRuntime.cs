using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Torch;

/// <summary>
/// Process-wide LibTorch settings that must be made before the first convolution runs.
/// </summary>
/// <remarks>
/// On some AVX-512 machines LibTorch 2.10's oneDNN convolution kernels for AVX2 and AVX-512 return wrong float32
/// results (forward and gradients) for many channel counts, e.g. 17 to 31 input channels with a 3x3 kernel, or 24
/// output channels; its SSE4.1 kernels are correct, and 1.3-2.4x slower. On others the fast kernels are right. oneDNN
/// reads its ISA cap from the native environment once, at its first convolution, so before that happens this sets
/// the cap: the user's (DNNL_MAX_CPU_ISA), else what this CPU's remembered self-check found (<see cref="IsaVerdict"/>;
/// the command line runs the check in a child process the first time it starts on a machine), else SSE41.
/// <see cref="CheckConvolutions"/> is the check.
/// </remarks>
public static class TorchRuntime
{
    public const string IsaVariable = "DNNL_MAX_CPU_ISA";
    public const string SafeIsa = "SSE41";

    private static readonly Lazy<(string Isa, string Source)> Isa = new(() =>
    {
        var chosen = Environment.GetEnvironmentVariable(IsaVariable);
        if (!string.IsNullOrEmpty(chosen)) return (chosen, "set in the environment");
        var (isa, source) = IsaVerdict.Read(DataFolder.Default()) is { } verdict
            ? (verdict.Isa, $"this CPU's self-check on {verdict.CheckedAt:yyyy-MM-dd}: largest error {verdict.Error:E1}")
            : (SafeIsa, "the safe default: this CPU has not been checked");
        if (OperatingSystem.IsLinux()) SetNativeEnvironment(IsaVariable, isa);
        Environment.SetEnvironmentVariable(IsaVariable, isa); // child processes inherit the choice
        return (isa, source);
    });

    /// <summary>Applies the settings (once); returns the oneDNN ISA cap in force.</summary>
    public static string EnsureInitialized() => Isa.Value.Isa;

    /// <summary>Where the cap in force came from.</summary>
    public static string IsaSource => Isa.Value.Source;

    /// <summary>
    /// Runs float32 convolutions of awkward shapes forward and backward and compares them with float64; returns the
    /// largest relative error and the shape where it occurred. Anything above about 1e-4 means wrong kernels.
    /// </summary>
    public static (double Error, string Shape) CheckConvolutions()
    {
        EnsureInitialized();
        using var scope = NewDisposeScope();
        manual_seed(0);
        (double, string) worst = (0, "");
        foreach (var (inChannels, outChannels, kernel, stride) in new[] { (17, 16, 3, 1), (24, 32, 3, 2), (16, 24, 3, 1), (40, 64, 5, 1), (32, 64, 3, 2) })
        {
            var x = randn(4, inChannels, 12, 12, requires_grad: true);
            var w = randn(outChannels, inChannels, kernel, kernel, requires_grad: true);
            nn.functional.conv2d(x, w, strides: [stride, stride], padding: [kernel / 2, kernel / 2]).square().sum().backward();
            var x64 = x.detach().to_type(ScalarType.Float64).requires_grad_();
            var w64 = w.detach().to_type(ScalarType.Float64).requires_grad_();
            var y64 = nn.functional.conv2d(x64, w64, strides: [stride, stride], padding: [kernel / 2, kernel / 2]);
            y64.square().sum().backward();
            var y = nn.functional.conv2d(x.detach(), w.detach(), strides: [stride, stride], padding: [kernel / 2, kernel / 2]);
            foreach (var (value, reference) in new[] { (y, y64), (x.grad!, x64.grad!), (w.grad!, w64.grad!) })
            {
                double error = (value.to_type(ScalarType.Float64) - reference).abs().max().item<double>() / reference.abs().max().item<double>();
                if (!(error <= worst.Item1)) worst = (double.IsNaN(error) ? double.PositiveInfinity : error, $"{inChannels}->{outChannels} {kernel}x{kernel} stride {stride}");
            }
        }
        return worst;
    }

    private static bool _canTrim = OperatingSystem.IsLinux();

    /// <summary>
    /// Hands memory that LibTorch freed back to the system. glibc keeps freed blocks for reuse, in a separate arena
    /// for each thread that allocated, and long work runs on a thread of its own each time: a process that had measured
    /// quantized networks one after another held 6 to 16 GB, almost all of it free. Without glibc, nothing to do.
    /// </summary>
    public static void ReleaseFreedMemory()
    {
        if (!_canTrim) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _canTrim = false; // musl and other C libraries have no malloc_trim
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    private static void SetNativeEnvironment(string name, string value)
    {
        if (SetEnv(name, value, 1) != 0) throw new InvalidOperationException($"could not set {name} for LibTorch");
    }
}
