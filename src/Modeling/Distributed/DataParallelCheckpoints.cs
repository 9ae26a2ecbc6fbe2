using System.Globalization;
using System.Text.Json;
using AutoDesign.Modeling.Torch;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// What a worker keeps at the end of each epoch so that its run can resume: the shared state (the network and the
/// shared step's momentum, the same on every worker, so any survivor can lead a resumed run), its own compressor's
/// state (for an exact resume with the same workers) and its epochs' reports. The last two epochs are kept; an
/// epoch counts once its shared state is written, which is written last. Workers may share the directory.
/// </summary>
public sealed class DataParallelCheckpoints(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>The last epoch with a complete checkpoint, or null.</summary>
    public int? LatestEpoch() => Epochs().Cast<int?>().FirstOrDefault();

    /// <summary>The last checkpoint whose shared state reads back (a machine that crashed mid-write may leave a torn one), or null.</summary>
    public (int Epoch, byte[] Shared)? LatestReadable()
    {
        foreach (int epoch in Epochs())
            try
            {
                var shared = File.ReadAllBytes(PathOf("shared", epoch, "bin"));
                if (TensorSnapshot.Decode(shared).Header == epoch) return (epoch, shared);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
            }
        return null;
    }

    /// <summary>Puts the last checkpoint's weights and buffers into the network (the run's result once it is over); returns its epoch.</summary>
    public int RestoreNetwork(SpecNetwork network)
    {
        var (epoch, shared) = LatestReadable() ?? throw new InvalidOperationException($"no checkpoint in {Directory}");
        TensorSnapshot.CopyInto(TensorSnapshot.Decode(shared).Values, 0, NetworkState(network));
        return epoch;
    }

    // The epochs with a shared state, the last first.
    private IEnumerable<int> Epochs() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.EnumerateFiles(Directory, "shared.epoch-*.bin").Select(EpochOf).Where(e => e > 0).OrderDescending()
            : [];

    /// <summary>The network's parameters and floating-point buffers, in order: what the shared state opens with.</summary>
    internal static IReadOnlyList<Tensor> NetworkState(SpecNetwork network) => [.. network.state_dict().Values.Where(t => t.is_floating_point())];

    /// <summary>This worker's own state and reports at the epoch, if it kept them as the same worker of as many.</summary>
    public (byte[] Own, IReadOnlyList<DataParallelEpoch> History)? ReadOwn(int epoch, int workers, int rank)
    {
        string own = PathOf($"worker-{rank}-of-{workers}", epoch, "bin"), history = PathOf($"history-{rank}-of-{workers}", epoch, "json");
        try
        {
            var state = File.ReadAllBytes(own);
            return TensorSnapshot.Decode(state).Header == epoch
                ? (state, JsonSerializer.Deserialize<List<DataParallelEpoch>>(File.ReadAllText(history)) ?? [])
                : null;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException)
        {
            return null; // missing or torn: this worker starts its compressor afresh
        }
    }

    public void Save(int epoch, byte[] shared, int workers, int rank, byte[] own, IReadOnlyList<DataParallelEpoch> history)
    {
        System.IO.Directory.CreateDirectory(Directory);
        Write(PathOf($"worker-{rank}-of-{workers}", epoch, "bin"), own);
        Write(PathOf($"history-{rank}-of-{workers}", epoch, "json"), JsonSerializer.SerializeToUtf8Bytes(history));
        Write(PathOf("shared", epoch, "bin"), shared);
        foreach (string old in System.IO.Directory.EnumerateFiles(Directory).Where(f => EpochOf(f) is > 0 and var e && e < epoch - 1))
            File.Delete(old);
    }

    private string PathOf(string name, int epoch, string extension) =>
        Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{name}.epoch-{epoch}.{extension}"));

    // The epoch a checkpoint file belongs to, or 0 for any other file.
    private static int EpochOf(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        int at = name.LastIndexOf(".epoch-", StringComparison.Ordinal);
        return at >= 0 && int.TryParse(name.AsSpan(at + 7), NumberStyles.None, CultureInfo.InvariantCulture, out int epoch) ? epoch : 0;
    }

    private static void Write(string path, byte[] bytes)
    {
        string temporary = $"{path}.{Guid.NewGuid():N}.partial"; // workers sharing the directory write the same shared state
        using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true); // on the disk before the name says the epoch is done
        }
        File.Move(temporary, path, overwrite: true);
    }
}
