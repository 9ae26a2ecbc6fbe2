using System.Security.Cryptography;
using System.Text;

namespace AutoDesign.Modeling.Data.ImageFolders;

/// <summary>
/// Decoded images of an image folder, kept in the data folder's <c>datasets/imagefolder-cache/</c> so that they are
/// decoded once: the key hashes the folder, the target shape and every file's path, size and modification time, so a
/// changed, added or removed image makes a new entry. An entry is the pixels, the labels and the skipped files.
/// </summary>
internal static class DecodedImageCache
{
    private const int Version = 1;

    public sealed record Entry(byte[] Pixels, byte[] Labels, IReadOnlyList<string> Skipped);

    public static string KeyOf(string directory, int size, int channels, IEnumerable<LabelledFile> files)
    {
        var identity = new StringBuilder($"{Version}|{directory}|{size}|{channels}");
        foreach (var file in files)
        {
            var info = new FileInfo(file.Path);
            identity.Append($"|{file.Label}:{file.Path}:{info.Length}:{info.LastWriteTimeUtc.Ticks}");
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity.ToString())))[..24];
    }

    public static Entry? TryRead(DataFolder folder, string key)
    {
        string path = PathOf(folder, key);
        if (!File.Exists(path)) return null;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            var pixels = reader.ReadBytes(reader.ReadInt32());
            var labels = reader.ReadBytes(reader.ReadInt32());
            var skipped = Enumerable.Range(0, reader.ReadInt32()).Select(_ => reader.ReadString()).ToList();
            return new Entry(pixels, labels, skipped);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            return null; // a torn entry is decoded again
        }
    }

    public static void Write(DataFolder folder, string key, Entry entry)
    {
        string path = PathOf(folder, key), staging = path + ".writing";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var writer = new BinaryWriter(File.Create(staging)))
        {
            writer.Write(entry.Pixels.Length);
            writer.Write(entry.Pixels);
            writer.Write(entry.Labels.Length);
            writer.Write(entry.Labels);
            writer.Write(entry.Skipped.Count);
            foreach (var file in entry.Skipped) writer.Write(file);
        }
        File.Move(staging, path, overwrite: true);
    }

    private static string PathOf(DataFolder folder, string key) => Path.Combine(folder.Datasets, "imagefolder-cache", key + ".bin");
}
