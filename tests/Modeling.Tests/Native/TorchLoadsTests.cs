using AutoDesign.Build;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Native;

public class TorchLoadsTests
{
    [Fact]
    public void Convolution_runs_forward_and_backward()
    {
        using var conv = TorchSharp.torch.nn.Conv2d(1, 4, 3, padding: 1);
        using var input = randn(2, 1, 8, 8);
        using var output = conv.forward(input);
        using var loss = output.square().mean();
        loss.backward();

        Assert.Equal(new long[] { 2, 4, 8, 8 }, output.shape);
        Assert.NotNull(conv.weight!.grad);
    }

    [Fact]
    public void Build_output_carries_a_loadable_LibTorchSharp()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Beside the assembly in a build for this machine's runtime identifier, under runtimes/ in a portable one.
        string[] places =
        [
            Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so"),
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
        ];
        var library = places.FirstOrDefault(File.Exists);
        Assert.True(library is not null, $"libLibTorchSharp.so is missing from the test output {AppContext.BaseDirectory}");

        var elf = File.ReadAllBytes(library);
        var host = GlibcxxWeakening.FindHostLibstdcxx();
        bool hostLacksVersion = host is not null && !GlibcxxWeakening.HostProvides(host);
        if (hostLacksVersion)
            Assert.True(GlibcxxWeakening.IsWeak(elf, GlibcxxWeakening.MissingVersion),
                "the build should have weakened the GLIBCXX_3.4.32 requirement on this host");
        else
            Assert.False(GlibcxxWeakening.IsWeak(elf, GlibcxxWeakening.MissingVersion),
                "the build patched a library the host could load unpatched");
    }
}

public class ConvolutionCorrectnessTests
{
    [Fact]
    public void Float32_convolutions_agree_with_float64_forward_and_backward()
    {
        var (error, shape) = AutoDesign.Modeling.Torch.TorchRuntime.CheckConvolutions();

        Assert.True(error < 1e-4, $"relative error {error:E2} for a {shape} convolution with {AutoDesign.Modeling.Torch.TorchRuntime.IsaVariable}={Environment.GetEnvironmentVariable(AutoDesign.Modeling.Torch.TorchRuntime.IsaVariable)}");
    }
}
