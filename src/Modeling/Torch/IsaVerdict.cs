using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoDesign.Modeling.Torch;

/// <summary>
/// What the convolution self-check found for one CPU and LibTorch build: the oneDNN instruction-set cap to use
/// (<c>ALL</c> where the uncapped kernels were right, the safe cap where they were not), the error it measured and
/// the convolution where it measured it. Kept in the data folder, one file per CPU model, flags and TorchSharp version.
/// </summary>
/// <param name="Error">Infinity where the check crashed or its kernels overflowed.</param>
public sealed record IsaVerdict(
    string Isa, [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double Error, string Shape, string Cpu, DateTimeOffset CheckedAt)
{
    /// <summary>Relative error (float32 against float64) above which convolutions count as wrong.</summary>
    public const double Tolerance = 1e-4;

    public static string FileFor(DataFolder folder) => Path.Combine(folder.Root, "cpu-checks", $"onednn-{CpuKey()}.json");

    /// <summary>The remembered verdict for this machine, or null (never checked, or unreadable).</summary>
    public static IsaVerdict? Read(DataFolder folder)
    {
        try
        {
            // Through the input gate: a regular file of at most a few kilobytes, not a link to a device.
            if (folder.Inputs.FindFile(FileFor(folder), Inputs.InputFormat.IsaVerdict) is not { } path) return null;
            var verdict = JsonSerializer.Deserialize<IsaVerdict>(folder.Inputs.ReadText(path, Inputs.InputFormat.IsaVerdict));
            return verdict is { Isa: "ALL" or TorchRuntime.SafeIsa } ? verdict : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or Inputs.InputFileException)
        {
            return null;
        }
    }

    public void Write(DataFolder folder)
    {
        string path = FileFor(folder);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>This CPU's model name and flags, as Linux reports them (empty elsewhere).</summary>
    public static string CpuDescription()
    {
        if (!File.Exists("/proc/cpuinfo")) return "";
        var lines = File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0).ToList(); // the first processor
        string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
        return $"{Field("model name")} | {Field("flags")}";
    }

    private static string CpuKey()
    {
        string identity = $"{CpuDescription()} | TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16];
    }
}
