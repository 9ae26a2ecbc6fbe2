using AutoDesign.Modeling.Inputs;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Data.ImageFolders;

/// <summary>
/// A data set of the user's images, named <c>imagefolder:&lt;folder&gt;</c> (see <see cref="ImageFolderLayout"/>).
/// Images are brought to one square shape (<see cref="ImageDecoding"/>) and cached decoded; images that cannot be
/// decoded are skipped and reported in <see cref="Dataset.Warnings"/>. With <c>val/</c> (or <c>test/</c>) that is the
/// test split and validation is held out of <c>train/</c>; otherwise a seeded per-class split makes all three.
/// </summary>
internal sealed class ImageFolderSource : IDatasetSource
{
    private readonly string _name, _directory;
    private readonly InputFiles _inputs;
    private readonly ImageFolderLayout _layout;
    private readonly ImageFolderSettings _settings;

    public ImageFolderSource(string name, InputFiles inputs)
    {
        _name = name;
        _inputs = inputs;
        _directory = inputs.Directory(name);
        _settings = ImageFolderSettings.Read(_directory, name, inputs);
        _layout = ImageFolderLayout.Find(_directory, name, inputs);
        var (size, channels) = Shape();
        Info = new DatasetInfo($"imagefolder:{_directory}", new InputSpec(channels, size, size), _layout.Classes.Count, _settings.Flip,
            $"{_layout.Train.Count + (_layout.Test?.Count ?? 0):N0} images in {name} ({string.Join(", ", _layout.Classes.Take(5))}{(_layout.Classes.Count > 5 ? ", ..." : "")})")
        {
            Photos = true,
        };
    }

    public DatasetInfo Info { get; }

    public bool IsCached(DataFolder folder) => true;

    public Dataset Load(DataFolder folder)
    {
        var files = _layout.Train.Concat(_layout.Test ?? []).ToList();
        var shape = Info.Shape;
        long perImage = (long)shape.Channels * shape.Height * shape.Width;
        if (perImage * files.Count > int.MaxValue)
            throw new DatasetException($"imagefolder:{_name}: {files.Count:N0} images of {shape} do not fit in memory at once (at most {int.MaxValue / perImage:N0}); set a smaller size in {ImageFolderSettings.FileName}");
        string key = DecodedImageCache.KeyOf(_directory, shape.Height, shape.Channels, files);
        var entry = DecodedImageCache.TryRead(folder, key) ?? Decode(folder, key, files, (int)perImage);

        var all = new ImageSet(shape, Info.Classes, entry.Pixels, entry.Labels);
        int trainCount = entry.Labels.Length - CountTest(entry);
        var warnings = entry.Skipped.Select(f => $"imagefolder:{_name}: skipped {Path.GetRelativePath(_directory, f)}, which is not a JPEG or PNG that can be decoded").ToList();
        ImageSet train, validation, test;
        string rule;
        if (_layout.Test is not null)
        {
            test = all.Subset([.. Enumerable.Range(trainCount, all.Count - trainCount)]);
            (train, validation, rule) = DatasetSplits.HoldOut(all.Subset([.. Enumerable.Range(0, trainCount)]), Math.Max(1, Math.Min(5_000, trainCount / 10)));
            rule = rule.Replace("the published test set", "val/ (or test/)", StringComparison.Ordinal);
        }
        else
        {
            int smallest = all.CountPerClass().Min();
            if (smallest < 3) throw new DatasetException($"imagefolder:{_name}: class '{_layout.Classes[Array.IndexOf(all.CountPerClass(), smallest)]}' has {smallest} decodable images; a split needs at least 3");
            int held = Math.Max(1, smallest / 10);
            (train, validation, test, rule) = DatasetSplits.Stratified(all, held, held);
        }
        var (mean, std) = Dataset.ChannelStatistics(train);
        return new Dataset(Info, train, validation, test, Fit(_settings.Mean, shape.Channels) ?? mean, Fit(_settings.Std, shape.Channels) ?? std, rule)
        {
            Warnings = warnings,
        };
    }

    private int CountTest(DecodedImageCache.Entry entry)
    {
        var skipped = entry.Skipped.ToHashSet(StringComparer.Ordinal);
        return (_layout.Test ?? []).Count(f => !skipped.Contains(f.Path));
    }

    private DecodedImageCache.Entry Decode(DataFolder folder, string key, List<LabelledFile> files, int perImage)
    {
        var pixels = new byte[(long)perImage * files.Count];
        var decoded = new bool[files.Count];
        var shape = Info.Shape;
        Parallel.For(0, files.Count, i =>
        {
            byte[] bytes;
            try { bytes = _inputs.ReadBytes(files[i].Path, InputFormat.Image); }
            catch (InputFileException) { return; }
            decoded[i] = ImageDecoding.TryDecode(bytes, shape.Height, shape.Channels, pixels.AsSpan(i * perImage, perImage));
        });
        var kept = Enumerable.Range(0, files.Count).Where(i => decoded[i]).ToArray();
        var compact = new byte[(long)perImage * kept.Length];
        for (int k = 0; k < kept.Length; k++) Array.Copy(pixels, (long)kept[k] * perImage, compact, (long)k * perImage, perImage);
        var entry = new DecodedImageCache.Entry(compact, [.. kept.Select(i => (byte)files[i].Label)],
            [.. Enumerable.Range(0, files.Count).Where(i => !decoded[i]).Select(i => files[i].Path)]);
        var counts = new int[Info.Classes];
        foreach (var label in entry.Labels) counts[label]++;
        int empty = Array.IndexOf(counts, 0);
        if (empty >= 0 && _layout.Train.Any(f => f.Label == empty))
            throw new DatasetException($"imagefolder:{_name}: no image of class '{_layout.Classes[empty]}' could be decoded");
        DecodedImageCache.Write(folder, key, entry);
        return entry;
    }

    // The size and channels: from dataset.json, else those of the first training image (its shorter side, at most 224).
    private (int Size, int Channels) Shape()
    {
        if (_settings is { Size: { } size, Channels: { } channels }) return (size, channels);
        var first = _layout.Train[0];
        var probe = ImageDecoding.Probe(_inputs.ReadBytes(first.Path, InputFormat.Image))
            ?? throw new DatasetException($"imagefolder:{_name}: {Path.GetRelativePath(_directory, first.Path)} is not a JPEG or PNG that can be decoded; set size and channels in {ImageFolderSettings.FileName}");
        return (_settings.Size ?? Math.Min(224, Math.Min(probe.Width, probe.Height)), _settings.Channels ?? (probe.Grey ? 1 : 3));
    }

    private static float[]? Fit(float[]? values, int channels) =>
        values is null ? null : values.Length == channels ? values : [.. Enumerable.Repeat(values[0], channels)];
}
