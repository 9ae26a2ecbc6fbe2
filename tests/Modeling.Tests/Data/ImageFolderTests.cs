using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Inputs;
using SkiaSharp;

namespace AutoDesign.Modeling.Tests.Data;

/// <summary>Image folders written by the test with SkiaSharp: colours, sizes, layouts, bad files and confinement.</summary>
public sealed class ImageFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("autodesign-images-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("autodesign-images-outside-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    private DataFolder Folder => new(_root) { Access = InputAccess.Within([_root]) };

    // A width x height image of one colour, with a white top-left pixel, as PNG or JPEG.
    private static void WriteImage(string path, SKColor colour, int width, int height, bool jpeg = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(colour);
        bitmap.SetPixel(0, 0, SKColors.White);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, 95);
        File.WriteAllBytes(path, data.ToArray());
    }

    private void WriteClasses(string under, int perClass, int width = 40, int height = 30)
    {
        var colours = new Dictionary<string, SKColor> { ["blue"] = SKColors.Blue, ["green"] = new SKColor(0, 200, 0), ["red"] = SKColors.Red };
        foreach (var (name, colour) in colours)
            for (int i = 0; i < perClass; i++)
                WriteImage(Path.Combine(_root, under, name, $"{i:D3}.{(i % 2 == 0 ? "png" : "jpg")}"), colour, width, height, jpeg: i % 2 == 1);
    }

    [Fact]
    public void A_folder_per_class_is_split_by_a_seed_and_images_keep_their_colour_at_the_first_images_size()
    {
        WriteClasses("pets", perClass: 20);
        File.WriteAllText(Path.Combine(_root, "pets", "red", "broken.png"), "not an image");

        var data = DatasetCatalog.Resolve("imagefolder:pets", Folder).Load(Folder);

        Assert.Equal(new Modeling.Specs.InputSpec(3, 30, 30), data.Info.Shape); // the shorter side of the first image
        Assert.Equal(3, data.Info.Classes);
        Assert.Equal(60, data.Train.Count + data.Validation.Count + data.Test.Count);
        Assert.Equal([2, 2, 2], data.Test.CountPerClass());
        var warning = Assert.Single(data.Warnings);
        Assert.Contains(Path.Combine("red", "broken.png"), warning);
        Assert.DoesNotContain("not an image", warning);
        // Class 2 is red: its images are red in the centre (JPEG or not), with the colour of channel 0 near 255.
        int label = Array.IndexOf(data.Test.Labels, (byte)2), plane = 30 * 30, centre = 15 * 30 + 15;
        var pixels = data.Test.Pixels.AsSpan(label * 3 * plane, 3 * plane);
        Assert.InRange(pixels[centre], 240, 255);
        Assert.InRange(pixels[plane + centre], 0, 15);
        Assert.InRange(pixels[2 * plane + centre], 0, 15);
    }

    [Fact]
    public void Train_and_val_folders_are_the_splits_and_decoded_images_are_cached()
    {
        WriteClasses(Path.Combine("set", "train"), perClass: 10);
        WriteClasses(Path.Combine("set", "val"), perClass: 3);
        File.WriteAllText(Path.Combine(_root, "set", "dataset.json"), """{"size": 16, "channels": 1, "mean": [0.5], "std": [0.25], "flip": false}""");

        var first = DatasetCatalog.Resolve("imagefolder:set", Folder).Load(Folder);
        var cache = Directory.GetFiles(Path.Combine(Folder.Datasets, "imagefolder-cache"));
        var second = DatasetCatalog.Resolve("imagefolder:set", Folder).Load(Folder);

        Assert.Equal(new Modeling.Specs.InputSpec(1, 16, 16), first.Info.Shape);
        Assert.False(first.Info.Flippable);
        Assert.Equal(9, first.Test.Count);
        Assert.Equal(30, first.Train.Count + first.Validation.Count);
        Assert.Equal([0.5f], first.Mean);
        Assert.Single(cache);
        Assert.Equal(first.Test.Pixels, second.Test.Pixels);
        Assert.Equal(first.Train.Labels, second.Train.Labels);
        // Grey from red (0.299 x 255), at the centre of a red validation image.
        int red = Array.IndexOf(first.Test.Labels, (byte)2);
        Assert.InRange(first.Test.Pixels[red * 256 + 8 * 16 + 8], 70, 82);
    }

    [Fact]
    public void An_empty_class_a_folder_without_classes_and_a_path_outside_the_roots_are_clear_errors()
    {
        WriteClasses("ok", perClass: 4);
        Directory.CreateDirectory(Path.Combine(_root, "ok", "empty"));
        Directory.CreateDirectory(Path.Combine(_root, "flat"));
        WriteImage(Path.Combine(_root, "flat", "a.png"), SKColors.Blue, 8, 8);
        WriteClasses(Path.Combine("..", Path.GetFileName(_outside)), perClass: 4);

        Assert.Contains("class 'empty' has no .jpg or .png images", Assert.Throws<DatasetException>(() => DatasetCatalog.Resolve("imagefolder:ok", Folder)).Message);
        Assert.Contains("0 class folders", Assert.Throws<DatasetException>(() => DatasetCatalog.Resolve("imagefolder:flat", Folder)).Message);
        var outside = Assert.Throws<DatasetException>(() => DatasetCatalog.Resolve($"imagefolder:{_outside}", Folder));
        Assert.DoesNotContain("blue", outside.Message);
        Assert.Contains("unknown data set", Assert.Throws<DatasetException>(() => DatasetCatalog.Resolve("imagefolders:ok", Folder)).Message);
    }

    [Fact]
    public void An_image_linked_to_a_file_outside_the_roots_is_named_inside_the_folder_and_not_read()
    {
        WriteClasses("linked", perClass: 4);
        WriteImage(Path.Combine(_outside, "secret.png"), SKColors.Blue, 8, 8);
        File.CreateSymbolicLink(Path.Combine(_root, "linked", "blue", "zzz.png"), Path.Combine(_outside, "secret.png"));

        var error = Assert.Throws<DatasetException>(() => DatasetCatalog.Resolve("imagefolder:linked", Folder));

        Assert.Contains(Path.Combine("blue", "zzz.png"), error.Message);
        Assert.DoesNotContain(_root, error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public void Bad_settings_name_the_field()
    {
        WriteClasses("tuned", perClass: 4);
        File.WriteAllText(Path.Combine(_root, "tuned", "dataset.json"), """{"size": 4096}""");

        Assert.Contains("size must be between 8 and 512", Assert.Throws<DatasetException>(() => DatasetCatalog.Resolve("imagefolder:tuned", Folder)).Message);
    }
}
