using AutoDesign.Modeling.Inputs;

namespace AutoDesign.Modeling.Data.ImageFolders;

/// <summary>
/// The files of an image folder in the ImageNet layout: one folder per class holding JPEG or PNG images, either at the
/// top or under <c>train/</c> and <c>val/</c> (or <c>test/</c>). Classes are the training folders' names in ordinal
/// order; files are listed in ordinal order, so the layout depends on names alone. Every folder and file goes
/// through the data folder's input gate.
/// </summary>
public sealed record ImageFolderLayout(IReadOnlyList<string> Classes, IReadOnlyList<LabelledFile> Train, IReadOnlyList<LabelledFile>? Test)
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    public const int MaxClasses = 256; // labels are kept as bytes

    public static ImageFolderLayout Find(string directory, string name, InputFiles inputs)
    {
        string? train = inputs.FindDirectory(Path.Combine(directory, "train"));
        string? test = inputs.FindDirectory(Path.Combine(directory, "val")) ?? inputs.FindDirectory(Path.Combine(directory, "test"));
        if (train is not null && test is null) throw new DatasetException($"imagefolder:{name} has train/ but no val/ (or test/) beside it");
        string root = train ?? directory;
        var classes = Folders(root, inputs);
        if (classes.Count < 2)
            throw new DatasetException($"imagefolder:{name} has {classes.Count} class folders in {(train is null ? "it" : "train/")}; it needs one folder per class (at least two), holding .jpg or .png images");
        if (classes.Count > MaxClasses) throw new DatasetException($"imagefolder:{name} has {classes.Count} classes; at most {MaxClasses} are read");
        var trainFiles = Files(root, classes, name, inputs, requireEach: true);
        IReadOnlyList<LabelledFile>? testFiles = null;
        if (test is not null)
        {
            var unknown = Folders(test, inputs).Except(classes, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0) throw new DatasetException($"imagefolder:{name}: {Path.GetFileName(test)}/{unknown[0]} is not a class of train/");
            testFiles = Files(test, classes, name, inputs, requireEach: false);
            if (testFiles.Count == 0) throw new DatasetException($"imagefolder:{name}: {Path.GetFileName(test)}/ holds no images");
        }
        return new ImageFolderLayout(classes, trainFiles, testFiles);
    }

    private static List<string> Folders(string root, InputFiles inputs) =>
        [.. System.IO.Directory.EnumerateDirectories(root).Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith('.') && inputs.FindDirectory(Path.Combine(root, n)) is not null).Order(StringComparer.Ordinal)];

    // The gate's reason, with the file named inside the image folder rather than by its path on the machine.
    private static string? Gated(string file, string root, string name, InputFiles inputs)
    {
        try
        {
            return inputs.FindFile(file, InputFormat.Image);
        }
        catch (InputFileException)
        {
            throw new DatasetException($"imagefolder:{name}: {Path.GetRelativePath(root, file)} is not a regular image file inside the allowed folders (or is too large)");
        }
    }

    private static List<LabelledFile> Files(string root, IReadOnlyList<string> classes, string name, InputFiles inputs, bool requireEach)
    {
        var files = new List<LabelledFile>();
        for (int label = 0; label < classes.Count; label++)
        {
            string folder = Path.Combine(root, classes[label]);
            if (!System.IO.Directory.Exists(folder)) continue;
            var images = System.IO.Directory.EnumerateFiles(folder)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .Select(f => Gated(f, root, name, inputs) is { } path ? new LabelledFile(path, label) : null)
                .OfType<LabelledFile>()
                .ToList();
            if (requireEach && images.Count == 0)
                throw new DatasetException($"imagefolder:{name}: class '{classes[label]}' has no .jpg or .png images");
            files.AddRange(images);
        }
        return files;
    }
}

public sealed record LabelledFile(string Path, int Label);
