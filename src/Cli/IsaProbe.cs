using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Torch;

namespace AutoDesign.Cli;

/// <summary>
/// Chooses oneDNN's instruction-set cap for this machine the first time the program starts on it: the convolution
/// self-check runs in a child process (this program, uncapped), since a process can set the cap only once, before
/// its first convolution. Its verdict is remembered for this CPU (<see cref="IsaVerdict"/>), so later starts cost nothing.
/// </summary>
internal static class IsaProbe
{
    public const string Argument = "--onednn-isa-probe";

    /// <summary>Runs the check where nothing decided the cap yet; a check that cannot run leaves the safe cap.</summary>
    public static void ChooseForThisMachine()
    {
        if (!OperatingSystem.IsLinux() || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(TorchRuntime.IsaVariable))) return;
        var folder = DataFolder.Default();
        if (IsaVerdict.Read(folder) is not null) return;
        try
        {
            if (Check() is { } verdict) verdict.Write(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // Nothing is remembered; this process and the next keep the safe cap.
        }
    }

    /// <summary>The child's side: the check under the cap its parent gave it, as one line.</summary>
    public static int Run()
    {
        var (error, shape) = TorchRuntime.CheckConvolutions();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{error:R}\t{shape}"));
        return 0;
    }

    private static IsaVerdict? Check()
    {
        string program = Environment.ProcessPath ?? throw new InvalidOperationException("no program path");
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(program) == "dotnet") start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location); // run as `dotnet autodesign.dll`
        start.ArgumentList.Add(Argument);
        start.Environment[TorchRuntime.IsaVariable] = "ALL";
        using var child = Process.Start(start) ?? throw new InvalidOperationException("the check did not start");
        var output = child.StandardOutput.ReadToEndAsync();
        _ = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            child.Kill(entireProcessTree: true);
            return null; // a slow machine, not a verdict: check again next time
        }
        string cpu = IsaVerdict.CpuDescription().Split(" | ")[0];
        var parts = output.Result.Trim().Split('\t');
        // A crash (an instruction the CPU lacks, say) or an answer that is no number counts against the fast kernels.
        double error = child.ExitCode == 0 && parts.Length == 2 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double e) ? e : double.PositiveInfinity;
        string isa = error < IsaVerdict.Tolerance ? "ALL" : TorchRuntime.SafeIsa;
        return new IsaVerdict(isa, error, parts.Length == 2 ? parts[1] : $"exit code {child.ExitCode}", cpu, DateTimeOffset.UtcNow);
    }
}
